package schedule

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// testDatabase creates a database of its own for t and returns a connection to it for
// administration, and its DSN. Both go away at the end of the test.
func testDatabase(t *testing.T) (*sql.DB, string) {
	t.Helper()
	base := os.Getenv("PEOPLEGRAPH_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("set PEOPLEGRAPH_TEST_DATABASE_URL to run against Postgres")
	}
	t.Cleanup(func() { goleak.VerifyNone(t) })
	admin, err := sql.Open("postgres", base)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })

	name := uniqueName(t)
	_, err = admin.Exec(`CREATE DATABASE ` + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		require.NoError(t, err)
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Path = "/" + name
	db := openDB(t, u.String())
	return db, u.String()
}

// uniqueName derives a lower-case identifier from the test name plus a random suffix.
func uniqueName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	name := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return "sched_" + name + "_" + hex.EncodeToString(b)
}

// openDB opens a pool of its own: one replica's view of the database.
func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Ping())
	return db
}

// lockHolder returns the backend pid holding the bigint advisory lock named key.
func lockHolder(t *testing.T, admin *sql.DB, key string) int {
	t.Helper()
	var pid int
	require.NoError(t, admin.QueryRow(`SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
		  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
		key).Scan(&pid))
	return pid
}

// killBackend ends a session as if its client had died, and waits until it is gone.
func killBackend(t *testing.T, admin *sql.DB, pid int) {
	t.Helper()
	var ok bool
	require.NoError(t, admin.QueryRow(`SELECT pg_terminate_backend($1, 5000)`, pid).Scan(&ok))
	require.True(t, ok)
}

// advisoryLocks counts the advisory locks held in the current database.
func advisoryLocks(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n))
	return n
}

func TestPostgresRunLock(t *testing.T) {
	ctx := context.Background()

	t.Run("one holder at a time, and others read the published run id", func(t *testing.T) {
		admin, dsn := testDatabase(t)
		key := uniqueName(t)
		a := NewPostgresRunLock(openDB(t, dsn), key)
		b := NewPostgresRunLock(openDB(t, dsn), key)

		releaseA, ok, err := a.TryLock(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		_, ok, err = b.TryLock(ctx)
		require.NoError(t, err)
		require.False(t, ok, "a second replica must not take the held lock")

		_, known, err := b.Current(ctx)
		require.NoError(t, err)
		require.False(t, known)
		require.NoError(t, a.Publish(ctx, 42))
		id, known, err := b.Current(ctx)
		require.NoError(t, err)
		require.True(t, known)
		require.Equal(t, 42, id)

		releaseA()
		releaseA()
		_, known, err = b.Current(ctx)
		require.NoError(t, err)
		require.False(t, known, "the id goes with the lock")
		require.Zero(t, advisoryLocks(t, admin))
		require.ErrorIs(t, a.Publish(ctx, 43), ErrLockNotHeld)

		releaseB, ok, err := b.TryLock(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		releaseB()
	})

	t.Run("releases on a context cancelled meanwhile", func(t *testing.T) {
		admin, dsn := testDatabase(t)
		lock := NewPostgresRunLock(openDB(t, dsn), uniqueName(t))
		runCtx, cancel := context.WithCancel(ctx)
		release, ok, err := lock.TryLock(runCtx)
		require.NoError(t, err)
		require.True(t, ok)
		cancel()
		release()
		require.Zero(t, advisoryLocks(t, admin))
	})

	t.Run("a dead holder frees the lock", func(t *testing.T) {
		admin, dsn := testDatabase(t)
		key := uniqueName(t)
		a := NewPostgresRunLock(openDB(t, dsn), key)
		b := NewPostgresRunLock(openDB(t, dsn), key)
		releaseA, ok, err := a.TryLock(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		killBackend(t, admin, lockHolder(t, admin, key))

		releaseB, ok, err := b.TryLock(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		releaseA() // unlocking on the dead session fails and throws it away
		_, ok, err = a.TryLock(ctx)
		require.NoError(t, err)
		require.False(t, ok, "b still holds the lock")
		releaseB()
	})

	t.Run("refuses a run id the marker cannot carry", func(t *testing.T) {
		_, dsn := testDatabase(t)
		lock := NewPostgresRunLock(openDB(t, dsn), uniqueName(t))
		release, ok, err := lock.TryLock(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		defer release()
		require.ErrorIs(t, lock.Publish(ctx, 0), ErrRunIDRange)
		require.ErrorIs(t, lock.Publish(ctx, 1<<31), ErrRunIDRange)
	})
}

func TestPostgresElector(t *testing.T) {
	t.Run("exactly one leads and another takes over when it dies", func(t *testing.T) {
		admin, dsn := testDatabase(t)
		key := uniqueName(t)
		quiet := WithElectorLogger(slog.New(slog.DiscardHandler))
		every := WithElectorInterval(20 * time.Millisecond)
		dbA := openDB(t, dsn)
		a, err := NewPostgresElector(dbA, key, every, quiet)
		require.NoError(t, err)
		defer a.Close()
		b, err := NewPostgresElector(openDB(t, dsn), key, every, quiet)
		require.NoError(t, err)
		defer b.Close()
		ctx := context.Background()
		require.NoError(t, a.IsLeader(ctx), "the first replica leads at once")
		require.ErrorIs(t, b.IsLeader(ctx), ErrNotLeader)

		// a's process dies: its pool is gone and Postgres ends its session.
		require.NoError(t, dbA.Close())
		killBackend(t, admin, lockHolder(t, admin, key))
		require.Eventually(t, func() bool {
			return b.IsLeader(ctx) == nil && a.IsLeader(ctx) != nil
		}, failsafe, 5*time.Millisecond, "b takes over and a steps down")
		require.NoError(t, a.Close())

		c, err := NewPostgresElector(openDB(t, dsn), key, every, quiet)
		require.NoError(t, err)
		defer c.Close()
		require.ErrorIs(t, c.IsLeader(ctx), ErrNotLeader)
		require.NoError(t, b.Close())
		require.ErrorIs(t, b.IsLeader(ctx), ErrElectorClosed)
		require.Eventually(t, func() bool { return c.IsLeader(ctx) == nil }, failsafe,
			5*time.Millisecond, "c leads once b gave up")
	})

	t.Run("reports every bad option", func(t *testing.T) {
		_, err := NewPostgresElector(nil, "", WithElectorInterval(0), WithElectorClock(nil))
		require.ErrorIs(t, err, ErrInvalidConfig)
		for _, want := range []string{"database is nil", "key is empty", "interval 0s",
			"clock is nil"} {
			require.ErrorContains(t, err, want)
		}
	})
}

// replica is one scheduler on a pool of its own, counting what its sync does.
type replica struct {
	s         *Scheduler
	db        *sql.DB
	scheduled atomic.Int64
}

// overlap counts the syncs under way, across replicas, and the most seen at once.
type overlap struct {
	active, maxActive atomic.Int64
}

// enter counts a sync in and returns the func that counts it out.
func (o *overlap) enter() func() {
	n := o.active.Add(1)
	for m := o.maxActive.Load(); n > m && !o.maxActive.CompareAndSwap(m, n); {
		m = o.maxActive.Load()
	}
	return func() { o.active.Add(-1) }
}

// overlapProbe is a SyncFunc shared by replicas that records the most runs seen at once.
type overlapProbe struct {
	overlap
	nextID atomic.Int64
	mu     sync.Mutex
	ids    map[int]bool
}

func (p *overlapProbe) sync(r *replica) SyncFunc {
	return func(ctx context.Context, trigger Trigger) (int, error) {
		defer p.enter()()
		id := int(p.nextID.Add(1))
		p.mu.Lock()
		p.ids[id] = true
		p.mu.Unlock()
		Started(ctx, id)
		if trigger == TriggerSchedule {
			r.scheduled.Add(1)
		}
		// Stand in for the work of a sync, long enough for the other replica to collide.
		select {
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
		}
		return id, nil
	}
}

func (p *overlapProbe) started(id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ids[id]
}

// newReplica starts a scheduler with a 30ms interval, an elector and a run lock on a pool
// of its own.
func newReplica(t *testing.T, dsn, key string, p *overlapProbe) *replica {
	t.Helper()
	db := openDB(t, dsn)
	quiet := slog.New(slog.DiscardHandler)
	elector, err := NewPostgresElector(db, key+":leader",
		WithElectorInterval(20*time.Millisecond), WithElectorLogger(quiet))
	require.NoError(t, err)
	r := &replica{db: db}
	s, err := New(Config{
		Interval:         30 * time.Millisecond,
		StopTimeout:      time.Second,
		JoinPollInterval: time.Millisecond,
		LastRun: func(context.Context) (time.Time, bool, error) {
			return time.Now(), true, nil
		},
		Sync:    p.sync(r),
		Logger:  quiet,
		Elector: elector,
		Lock:    NewPostgresRunLock(db, key+":run"),
	})
	require.NoError(t, err)
	r.s = s
	t.Cleanup(func() { require.NoError(t, s.Shutdown(context.Background())) })
	require.NoError(t, s.Start(context.Background()))
	return r
}

func TestScheduler_Replicas(t *testing.T) {
	t.Run("never run two syncs at once and only the leader runs ticks", func(t *testing.T) {
		_, dsn := testDatabase(t)
		key := uniqueName(t)
		p := &overlapProbe{ids: map[int]bool{}}
		a := newReplica(t, dsn, key, p)
		b := newReplica(t, dsn, key, p)
		require.True(t, a.s.IsLeader())
		require.False(t, b.s.IsLeader())

		var joins atomic.Int64
		var wg sync.WaitGroup
		for _, r := range []*replica{a, b} {
			wg.Go(func() {
				for range 40 {
					id, joined, err := r.s.SyncNow(context.Background(), TriggerManual)
					if !assertNoErr(t, err) {
						return
					}
					if joined {
						joins.Add(1)
					}
					if !p.started(id) {
						t.Errorf("SyncNow returned id %d, which no run reported", id)
					}
				}
			})
		}
		wg.Wait()
		require.Eventually(t, func() bool { return a.scheduled.Load() >= 3 }, failsafe,
			5*time.Millisecond, "the leader runs its ticks")

		require.EqualValues(t, 1, p.maxActive.Load(), "two syncs ran at the same time")
		require.Positive(t, joins.Load(), "concurrent SyncNow calls join each other")
		require.Zero(t, b.scheduled.Load(), "the follower ran a scheduled sync")
	})

	t.Run("a replica that finds the run lock taken joins the other's run by its id",
		func(t *testing.T) {
			_, dsn := testDatabase(t)
			key := uniqueName(t)
			g := newGatedSync(9)
			doneA := make(chan RunResult, 4)
			a := newLockedScheduler(t, dsn, key, clockwork.NewRealClock(), g.sync,
				func(_ context.Context, res RunResult) { doneA <- res })
			clockB := clockwork.NewFakeClock()
			b := newLockedScheduler(t, dsn, key, clockB, g.sync,
				func(context.Context, RunResult) { t.Error("b ran a sync of its own") })
			defer g.open()

			fromA := goSyncNow(a, TriggerManual)
			recv(t, g.entered)
			fromB := goSyncNow(b, TriggerWebhook)

			// b finds the lock taken and no run id published yet: it waits to ask again.
			ctx, cancel := context.WithTimeout(context.Background(), failsafe)
			defer cancel()
			waiting := make(chan error, 1)
			go func() { waiting <- clockB.BlockUntilContext(ctx, 1) }()
			select {
			case res := <-fromB:
				t.Fatalf("b returned (%d, %t, %v) before a published its run id", res.id,
					res.joined, res.err)
			case err := <-waiting:
				require.NoError(t, err)
			}
			close(g.publish)
			recv(t, g.published)
			require.Equal(t, syncResult{id: 9}, recv(t, fromA))
			clockB.Advance(time.Second)
			require.Equal(t, syncResult{id: 9, joined: true}, recv(t, fromB))

			running, ok := a.Running()
			require.True(t, ok)
			require.Equal(t, 9, running)
			_, ok = b.Running()
			require.False(t, ok, "the run belongs to a")

			close(g.finish)
			res := recv(t, doneA)
			require.NoError(t, res.Err)
			require.Equal(t, 9, res.RunID)
			require.EqualValues(t, 1, g.calls.Load(), "the sync ran once")
			require.EqualValues(t, 1, g.maxActive.Load(), "two syncs ran at the same time")
		})

	t.Run("the follower takes over the ticks when the leader dies", func(t *testing.T) {
		admin, dsn := testDatabase(t)
		key := uniqueName(t)
		p := &overlapProbe{ids: map[int]bool{}}
		a := newReplica(t, dsn, key, p)
		b := newReplica(t, dsn, key, p)
		require.Eventually(t, func() bool { return a.scheduled.Load() >= 1 }, failsafe,
			5*time.Millisecond)

		require.NoError(t, a.db.Close())
		killBackend(t, admin, lockHolder(t, admin, key+":leader"))
		require.Eventually(t, func() bool { return b.scheduled.Load() >= 2 }, failsafe,
			5*time.Millisecond, "the follower runs ticks once it leads")
		require.True(t, b.s.IsLeader())
		require.False(t, a.s.IsLeader())
		require.EqualValues(t, 1, p.maxActive.Load(), "two syncs ran at the same time")
	})
}

// gatedSync is a SyncFunc shared by replicas that holds its run at two gates, so that a test
// decides when the run reports its id and when it ends.
type gatedSync struct {
	overlap
	id        int
	calls     atomic.Int64
	entered   chan struct{} // receives once the run holds the run lock
	publish   chan struct{} // closed to let the run report its id
	published chan struct{} // receives once other replicas can read the id
	finish    chan struct{} // closed to let the run end
}

func newGatedSync(id int) *gatedSync {
	return &gatedSync{id: id, entered: make(chan struct{}, 4), publish: make(chan struct{}),
		published: make(chan struct{}, 4), finish: make(chan struct{})}
}

func (g *gatedSync) sync(ctx context.Context, _ Trigger) (int, error) {
	g.calls.Add(1)
	defer g.enter()()
	g.entered <- struct{}{}
	select {
	case <-g.publish:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	Started(ctx, g.id) // publishes through the run lock before it returns
	g.published <- struct{}{}
	select {
	case <-g.finish:
		return g.id, nil
	case <-ctx.Done():
		return g.id, ctx.Err()
	}
}

// open lets runs through the gates still closed, so that a failing test does not leave a run
// holding the lock until shutdown gives up on it. Only the test goroutine opens gates.
func (g *gatedSync) open() {
	for _, gate := range []chan struct{}{g.publish, g.finish} {
		select {
		case <-gate:
		default:
			close(gate)
		}
	}
}

// newLockedScheduler returns a scheduler, not started, that takes the run lock named key on a
// pool of its own and waits on clock to ask again for another replica's run id.
func newLockedScheduler(t *testing.T, dsn, key string, clock clockwork.Clock, syncFunc SyncFunc,
	onDone func(context.Context, RunResult),
) *Scheduler {
	t.Helper()
	db := openDB(t, dsn)
	s, err := New(Config{
		JoinPollInterval: time.Second,
		Clock:            clock,
		LastRun: func(context.Context) (time.Time, bool, error) {
			return clock.Now(), true, nil
		},
		Sync:      syncFunc,
		OnRunDone: onDone,
		Logger:    slog.New(slog.DiscardHandler),
		Lock:      NewPostgresRunLock(db, key),
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), failsafe)
		defer cancel()
		require.NoError(t, s.Shutdown(ctx))
	})
	return s
}

// syncResult is what one SyncNow call returned.
type syncResult struct {
	id     int
	joined bool
	err    error
}

// goSyncNow calls SyncNow on s in a goroutine of its own and delivers the result.
func goSyncNow(s *Scheduler, trigger Trigger) <-chan syncResult {
	ch := make(chan syncResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), failsafe)
		defer cancel()
		id, joined, err := s.SyncNow(ctx, trigger)
		ch <- syncResult{id: id, joined: joined, err: err}
	}()
	return ch
}

// assertNoErr reports err from a goroutine other than the test's.
func assertNoErr(t *testing.T, err error) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", fmt.Sprint(err))
		return false
	}
	return true
}
