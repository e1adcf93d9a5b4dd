package hrsync_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// openFileDB opens a migrated SQLite file database, the embedded default.
func openFileDB(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "file:"+filepath.Join(dir, "bench.db"))
	require.NoError(tb, err)
	require.NoError(tb, db.Migrate(ctx))
	return db
}

// BenchmarkSync10k measures a full first sync of a 10,000-person simulated
// company into a SQLite file next to only fetching the same pages with the
// same client, in the same run. sync/fetch is the quality bar (at most 1.5);
// resync/fetch is the same for a sync that finds nothing changed. The
// simulator runs in this process, so the CPU figures (the process's user and
// system time) show how much of the machine each phase needs.
//
// fields=none is the default configuration, where no custom field is
// selected and custom values are not read; fields=all selects every custom
// field, so that their values are read and written too. Both read Humaans
// as fast as the simulator answers. rate=shipped is fields=none with the
// client's shipped rate limit, which bounds how fast a deployment reads the
// real API; it takes about half a minute per iteration.
func BenchmarkSync10k(b *testing.B) {
	benchSync10k(b, func(b *testing.B) *store.DB { return openFileDB(b, b.TempDir()) })
}

// BenchmarkSync10kPostgres is BenchmarkSync10k into a fresh Postgres
// database per iteration; it skips unless PEOPLEGRAPH_TEST_DATABASE_URL is
// set.
func BenchmarkSync10kPostgres(b *testing.B) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		b.Skip("set " + storetest.PostgresEnv + " to run against Postgres")
	}
	benchSync10k(b, func(b *testing.B) *store.DB { return storetest.OpenPostgres(b) })
}

// benchSync10k runs the cases into databases open returns empty and
// migrated.
func benchSync10k(b *testing.B, open func(b *testing.B) *store.DB) {
	sim, url := humaanssim.Start(b, humaanssim.Options{People: 10_000, Seed: 1})
	client := newClient(b, url, sim.Token())
	if _, err := client.Snapshot(context.Background()); err != nil { // warm the simulator's caches
		b.Fatal(err)
	}
	b.Run("fields=none", func(b *testing.B) {
		benchFirstSync(b, sim, client, open, 0, nil, humaans.WithoutCustomValues())
	})
	b.Run("fields=all", func(b *testing.B) {
		benchFirstSync(b, sim, client, open, 0, []string{"*"})
	})
	b.Run("rate=shipped", func(b *testing.B) {
		shipped, err := humaans.New(url, sim.Token())
		require.NoError(b, err)
		// A second's pause refills the limiter's burst before each phase.
		benchFirstSync(b, sim, shipped, open, time.Second, nil, humaans.WithoutCustomValues())
	})
}

// benchFirstSync measures a first sync with the custom fields named, and a
// resync after it, next to a snapshot read with opts: the pages that sync
// reads. Each phase starts after pause, off the clock.
func benchFirstSync(b *testing.B, sim *humaanssim.Simulator, client *humaans.Client,
	open func(b *testing.B) *store.DB, pause time.Duration, fields []string,
	opts ...humaans.SnapshotOption) {
	ctx := context.Background()
	var fetch, full, resync, fetchCPU, fullCPU time.Duration
	// timed runs fn and adds its wall and CPU time.
	timed := func(wall, cpu *time.Duration, fn func()) {
		if pause > 0 {
			b.StopTimer()
			time.Sleep(pause)
			b.StartTimer()
		}
		start, startCPU := time.Now(), processCPU(b)
		fn()
		*wall += time.Since(start)
		if cpu != nil {
			*cpu += processCPU(b) - startCPU
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := open(b)
		engine := hrsync.New(db, client, hrsync.WithLogger(benchLogger()),
			hrsync.WithCustomFields(fields),
			hrsync.WithClock(clockwork.NewFakeClockAt(sim.Now())))
		b.StartTimer()

		timed(&fetch, &fetchCPU, func() {
			if _, err := client.Snapshot(ctx, opts...); err != nil {
				b.Fatal(err)
			}
		})
		timed(&full, &fullCPU, func() {
			run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
			if err != nil || run.Status != syncrun.StatusSUCCEEDED {
				b.Fatalf("sync: %v %v", run, err)
			}
		})
		timed(&resync, nil, func() {
			if _, err := engine.Run(ctx, syncrun.TriggerMANUAL); err != nil {
				b.Fatal(err)
			}
		})

		b.StopTimer()
		require.NoError(b, db.Close())
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(full.Seconds()/fetch.Seconds(), "sync/fetch")
	b.ReportMetric(resync.Seconds()/fetch.Seconds(), "resync/fetch")
	b.ReportMetric(fetch.Seconds()/n, "fetch-s/op")
	b.ReportMetric(full.Seconds()/n, "sync-s/op")
	b.ReportMetric(fetchCPU.Seconds()/n, "fetch-cpu-s/op")
	b.ReportMetric(fullCPU.Seconds()/n, "sync-cpu-s/op")
}

// processCPU is the user and system time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLogger shows the engine's phase timings with -test.v.
func benchLogger() *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestSyncPeakMemory syncs a company served by a simulator in another
// process (so that only the sync's own memory is measured), with every
// custom field selected, into a SQLite file and logs the peak live heap. It
// measures and asserts nothing about the figure: scripts/bench-sync-memory.sh
// runs it with PEOPLEGRAPH_MEMORY_SIM_URL and PEOPLEGRAPH_MEMORY_SIM_TOKEN
// set and compares the process's maximum resident set size with the bar.
func TestSyncPeakMemory(t *testing.T) {
	url := os.Getenv("PEOPLEGRAPH_MEMORY_SIM_URL")
	if url == "" {
		t.Skip("set PEOPLEGRAPH_MEMORY_SIM_URL (see scripts/bench-sync-memory.sh)")
	}
	ctx := context.Background()
	client := newClient(t, url, os.Getenv("PEOPLEGRAPH_MEMORY_SIM_TOKEN"))
	db := openFileDB(t, t.TempDir())
	defer db.Close()

	fields, err := client.CustomFields(ctx)
	require.NoError(t, err)
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.ID
	}
	engine := hrsync.New(db, client, hrsync.WithCustomFields(names), hrsync.WithLogger(benchLogger()))

	done := make(chan struct{})
	peak := make(chan uint64)
	go func() { peak <- samplePeakHeap(done) }()
	run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
	close(done)
	require.NoError(t, err)
	require.Equal(t, syncrun.StatusSUCCEEDED, run.Status)
	max := <-peak
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("synced %d people: peak live heap %d MiB, runtime total from the OS %d MiB",
		run.Added, max>>20, ms.Sys>>20)
}

// samplePeakHeap polls the live heap until done is closed and returns the
// largest value seen.
func samplePeakHeap(done <-chan struct{}) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var max uint64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > max {
			max = v
		}
		select {
		case <-done:
			return max
		case <-tick.C:
		}
	}
}
