package hrsync_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
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
// resync/fetch is the same for a sync that finds nothing changed.
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

// benchSync10k measures a full first sync into a database open returns
// empty and migrated, next to only fetching the same pages.
func benchSync10k(b *testing.B, open func(b *testing.B) *store.DB) {
	ctx := context.Background()
	sim, url := humaanssim.Start(b, humaanssim.Options{People: 10_000, Seed: 1})
	client := newClient(b, url, sim.Token())
	if _, err := client.Snapshot(ctx); err != nil { // warm the simulator's caches
		b.Fatal(err)
	}
	var fetch, full, resync time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := open(b)
		engine := hrsync.New(db, client, hrsync.WithLogger(benchLogger()),
			hrsync.WithClock(clockwork.NewFakeClockAt(sim.Now())))
		b.StartTimer()

		start := time.Now()
		if _, err := client.Snapshot(ctx); err != nil {
			b.Fatal(err)
		}
		fetch += time.Since(start)

		start = time.Now()
		run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
		if err != nil || run.Status != syncrun.StatusSUCCEEDED {
			b.Fatalf("sync: %v %v", run, err)
		}
		full += time.Since(start)

		start = time.Now()
		if _, err := engine.Run(ctx, syncrun.TriggerMANUAL); err != nil {
			b.Fatal(err)
		}
		resync += time.Since(start)

		b.StopTimer()
		require.NoError(b, db.Close())
		b.StartTimer()
	}
	b.ReportMetric(full.Seconds()/fetch.Seconds(), "sync/fetch")
	b.ReportMetric(resync.Seconds()/fetch.Seconds(), "resync/fetch")
	b.ReportMetric(fetch.Seconds()/float64(b.N), "fetch-s/op")
	b.ReportMetric(full.Seconds()/float64(b.N), "sync-s/op")
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
