package operator_test

import (
	"context"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/operator"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

var _ graph.Operator = (*operator.Operator)(nil)

type env struct {
	sim   *humaanssim.Simulator
	op    *operator.Operator
	sched *schedule.Scheduler
	db    *store.DB
}

// newTestEngine returns a sync engine on db reading a simulated Humaans of 25 people.
func newTestEngine(t *testing.T, db *store.DB) (*humaanssim.Simulator, *hrsync.Engine) {
	t.Helper()
	sim, url := humaanssim.Start(t, humaanssim.Options{People: 25})
	hc, err := humaans.New(url, sim.Token(), humaans.WithRateLimit(math.Inf(1), 1),
		humaans.WithMaxAttempts(2), humaans.WithBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	return sim, hrsync.New(db, hc, hrsync.WithRunStarted(schedule.Started))
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	sim, engine := newTestEngine(t, db)
	sched, err := schedule.New(schedule.Config{
		Sync: operator.SyncFunc(engine),
		LastRun: func(context.Context) (time.Time, bool, error) {
			return time.Now(), true, nil
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sched.Shutdown(context.Background()) })
	return &env{sim: sim, op: operator.New(sched, engine, db), sched: sched, db: db}
}

// wait waits for the run to be recorded as ended and let go by the
// scheduler, and returns its status.
func (e *env) wait(t *testing.T, id int) syncrun.Status {
	t.Helper()
	var status syncrun.Status
	require.Eventually(t, func() bool {
		run, err := e.db.Client.SyncRun.Get(context.Background(), id)
		require.NoError(t, err)
		status = run.Status
		_, running := e.sched.Running()
		return status != syncrun.StatusRUNNING && !running
	}, 20*time.Second, 5*time.Millisecond)
	return status
}

func TestOperator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)

		t.Run("SyncNow starts a manual run, and joins it while it runs", func(t *testing.T) {
			e.sim.InjectFault(humaanssim.Fault{Route: "people", Kind: humaanssim.FaultLatency,
				Delay: time.Second, Times: 1})
			run, joined, err := e.op.SyncNow(ctx)
			require.NoError(t, err)
			require.False(t, joined)
			require.Equal(t, syncrun.TriggerMANUAL, run.Trigger)
			current, err := e.op.CurrentRun(ctx)
			require.NoError(t, err)
			require.Equal(t, run.ID, current.ID)
			again, joined, err := e.op.SyncNow(ctx)
			require.NoError(t, err)
			require.True(t, joined)
			require.Equal(t, run.ID, again.ID)
			require.Equal(t, syncrun.StatusSUCCEEDED, e.wait(t, run.ID))
			current, err = e.op.CurrentRun(ctx)
			require.NoError(t, err)
			require.Nil(t, current)
		})

		t.Run("NextSync is known once the scheduler runs", func(t *testing.T) {
			_, ok := e.op.NextSync()
			require.False(t, ok)
			require.NoError(t, e.sched.Start(ctx))
			next, ok := e.op.NextSync()
			require.True(t, ok)
			require.True(t, next.After(time.Now()))
		})

		t.Run("errors keep their sentinels", func(t *testing.T) {
			_, err := e.op.Approve(ctx, 424242)
			require.ErrorIs(t, err, hrsync.ErrRunNotFound)
			_, err = e.op.Discard(ctx, 424242)
			require.ErrorIs(t, err, hrsync.ErrRunNotFound)
			require.ErrorIs(t, e.op.SelectCustomFields(ctx, []string{"no such field"}),
				hrsync.ErrUnknownCustomField)
		})
	})
}

func TestSyncFunc(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sim, engine := newTestEngine(t, db)
		var seen []*ent.SyncRun
		sync := operator.SyncFunc(engine, func(run *ent.SyncRun, _ time.Duration) {
			seen = append(seen, run)
		})

		t.Run("hands a run that succeeded to the observers", func(t *testing.T) {
			id, err := sync(ctx, schedule.TriggerWebhook)
			require.NoError(t, err)
			require.Len(t, seen, 1)
			require.Equal(t, id, seen[0].ID)
			require.Equal(t, syncrun.TriggerWEBHOOK, seen[0].Trigger)
			require.Equal(t, syncrun.StatusSUCCEEDED, seen[0].Status)
		})

		t.Run("hands a run that failed to the observers with its id", func(t *testing.T) {
			sim.InjectFault(humaanssim.Fault{Route: "people", Kind: humaanssim.FaultServerError})
			defer sim.ClearFaults()
			id, err := sync(ctx, schedule.TriggerManual)
			require.ErrorIs(t, err, hrsync.ErrFetch)
			require.Len(t, seen, 2)
			require.Equal(t, id, seen[1].ID)
			require.Equal(t, syncrun.StatusFAILED, seen[1].Status)
		})

		t.Run("observes nothing when the run could not be recorded", func(t *testing.T) {
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			id, err := sync(cancelled, schedule.TriggerManual)
			require.ErrorIs(t, err, context.Canceled)
			require.Zero(t, id)
			require.Len(t, seen, 2)
		})
	})
}
