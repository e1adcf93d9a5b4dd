package schedule

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	t.Run("reports every config problem at once", func(t *testing.T) {
		_, err := New(Config{
			Interval: -time.Minute,
			Jobs: []Job{
				{Every: time.Hour},
				{Name: "nightly", Daily: &TimeOfDay{Hour: 24}, Every: time.Hour},
			},
		})
		require.ErrorIs(t, err, ErrInvalidConfig)
		for _, want := range []string{
			"interval -1m0s is negative", "sync func is missing", "last-run func is missing",
			"name is missing", "func is missing", "set exactly one of Every and Daily",
			"daily time 24:00 is not a time of day",
		} {
			require.ErrorContains(t, err, want)
		}
	})

	t.Run("rejects a job name used twice", func(t *testing.T) {
		job := Job{Name: "lifecycle", Every: time.Hour, Func: func(context.Context) error {
			return nil
		}}
		_, err := New(Config{
			Sync:    func(context.Context, Trigger) (int, error) { return 0, nil },
			LastRun: func(context.Context) (time.Time, bool, error) { return time.Time{}, false, nil },
			Jobs:    []Job{job, job},
		})
		require.ErrorIs(t, err, ErrInvalidConfig)
		require.ErrorContains(t, err, `name "lifecycle" is used twice`)
	})
}

func TestScheduler_Interval(t *testing.T) {
	t.Run("runs the sync every interval, lined up with the last sync", func(t *testing.T) {
		h := newHarness(t, t0.Add(-time.Hour), true, nil)
		var calls <-chan call
		var n *atomic.Int64
		h.sync, calls, n = recordingSync(h.clock)
		h.start(t)
		require.Zero(t, n.Load(), "a sync an hour old needs no start-up run")

		for i := 1; i <= 4; i++ {
			at := t0.Add(2*time.Hour + time.Duration(i-1)*3*time.Hour)
			h.tick(t, 1, at)
			c := recv(t, calls)
			require.Equal(t, TriggerSchedule, c.trigger)
			require.Equal(t, at, c.at)
			res := recv(t, h.done)
			require.Equal(t, i, res.RunID)
			require.NoError(t, res.Err)
		}
		next, ok := h.s.NextRun()
		require.True(t, ok)
		require.Equal(t, t0.Add(14*time.Hour), next)
		require.EqualValues(t, 4, n.Load())
	})
}

func TestScheduler_StartupRun(t *testing.T) {
	cases := []struct {
		name     string
		last     time.Time
		ran      bool
		runs     bool
		nextTick time.Time
	}{
		{"runs when the last sync is older than the interval", t0.Add(-4 * time.Hour), true,
			true, t0.Add(3 * time.Hour)},
		{"runs when no sync ever ran", time.Time{}, false, true, t0.Add(3 * time.Hour)},
		{"skips when the last sync is recent", t0.Add(-time.Hour), true, false,
			t0.Add(2 * time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.last, tc.ran, nil)
			var calls <-chan call
			var n *atomic.Int64
			h.sync, calls, n = recordingSync(h.clock)
			h.start(t)
			if tc.runs {
				require.Equal(t, TriggerStartup, recv(t, calls).trigger)
				require.NoError(t, recv(t, h.done).Err)
			}
			require.EqualValues(t, map[bool]int64{true: 1, false: 0}[tc.runs], n.Load())
			next, ok := h.s.NextRun()
			require.True(t, ok)
			require.Equal(t, tc.nextTick, next)
		})
	}

	t.Run("skips on a replica that is not the leader", func(t *testing.T) {
		elector := &staticElector{err: ErrNotLeader}
		h := newHarness(t, time.Time{}, false, func(c *Config) { c.Elector = elector })
		var n *atomic.Int64
		h.sync, _, n = recordingSync(h.clock)
		h.start(t)
		require.Zero(t, n.Load())
		require.False(t, h.s.IsLeader())
		_, ok := h.s.NextRun()
		require.False(t, ok, "a follower has no next run of its own")
		require.NoError(t, h.s.Shutdown(context.Background()))
		require.True(t, elector.closed.Load(), "Shutdown closes the elector")
	})

	t.Run("refuses a second start", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		h.sync, _, _ = recordingSync(h.clock)
		h.start(t)
		require.ErrorIs(t, h.s.Start(context.Background()), ErrAlreadyStarted)
	})
}

// blockingSync reports id, signals entered, and returns when release is closed or, if
// honourCtx, when ctx ends; it sends the cancellation cause it saw on causes.
type blockingSync struct {
	id        int
	honourCtx bool
	calls     atomic.Int64
	entered   chan struct{}
	release   chan struct{}
	causes    chan error
}

func newBlockingSync(id int, honourCtx bool) *blockingSync {
	return &blockingSync{id: id, honourCtx: honourCtx, entered: make(chan struct{}, 4),
		release: make(chan struct{}), causes: make(chan error, 4)}
}

func (b *blockingSync) sync(ctx context.Context, _ Trigger) (int, error) {
	b.calls.Add(1)
	Started(ctx, b.id)
	b.entered <- struct{}{}
	var done <-chan struct{}
	if b.honourCtx {
		done = ctx.Done()
	}
	select {
	case <-b.release:
	case <-done:
	}
	b.causes <- context.Cause(ctx)
	if ctx.Err() != nil {
		return b.id, ctx.Err()
	}
	return b.id, nil
}

func TestScheduler_SyncNow(t *testing.T) {
	t.Run("joins the sync under way instead of starting another", func(t *testing.T) {
		h := newHarness(t, t0.Add(-time.Hour), true, func(c *Config) {
			c.RunTimeout = 4 * time.Hour
		})
		b := newBlockingSync(7, false)
		h.sync = b.sync
		h.start(t)

		id, joined, err := h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		require.Equal(t, 7, id)
		require.False(t, joined)
		recv(t, b.entered)

		id, joined, err = h.syncNow(t, TriggerWebhook)
		require.NoError(t, err)
		require.Equal(t, 7, id)
		require.True(t, joined)
		running, ok := h.s.Running()
		require.True(t, ok)
		require.Equal(t, 7, running)

		// The tick at 11:00 comes while the run goes on: gocron's timer plus the run's
		// timeout make two timers.
		h.tick(t, 2, t0.Add(2*time.Hour))
		h.logs.waitFor(t, "scheduled sync joins the run under way")

		close(b.release)
		res := recv(t, h.done)
		require.Equal(t, 7, res.RunID)
		require.Equal(t, TriggerManual, res.Trigger)
		require.EqualValues(t, 1, b.calls.Load())
		_, ok = h.s.Running()
		require.False(t, ok)

		id, joined, err = h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		require.False(t, joined, "a run after the last one ended is a new run")
		require.Equal(t, 7, id)
		recv(t, h.done)
		require.EqualValues(t, 2, b.calls.Load())
	})

	t.Run("runs before Start and refuses after Shutdown", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		var calls <-chan call
		h.sync, calls, _ = recordingSync(h.clock)
		id, joined, err := h.syncNow(t, TriggerApproval)
		require.NoError(t, err)
		require.Equal(t, 1, id)
		require.False(t, joined)
		require.Equal(t, TriggerApproval, recv(t, calls).trigger)
		recv(t, h.done)

		require.NoError(t, h.s.Shutdown(context.Background()))
		_, _, err = h.syncNow(t, TriggerManual)
		require.ErrorIs(t, err, ErrShutdown)
	})

	t.Run("rejects an unknown trigger", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		h.sync, _, _ = recordingSync(h.clock)
		_, _, err := h.syncNow(t, Trigger("CRON"))
		require.ErrorIs(t, err, ErrInvalidTrigger)
	})

	t.Run("returns the error of a sync that fails before it has an id", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		boom := errors.New("humaans unreachable")
		h.sync = func(context.Context, Trigger) (int, error) { return 0, boom }
		_, _, err := h.syncNow(t, TriggerManual)
		require.ErrorIs(t, err, boom)
		require.ErrorIs(t, recv(t, h.done).Err, boom)
	})
}

func TestScheduler_Panics(t *testing.T) {
	t.Run("a panicking SyncNow run fails and the next run works", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		var n atomic.Int64
		h.sync = func(ctx context.Context, _ Trigger) (int, error) {
			if n.Add(1) == 1 {
				panic("boom")
			}
			Started(ctx, 2)
			return 2, nil
		}
		_, _, err := h.syncNow(t, TriggerManual)
		var perr *PanicError
		require.ErrorAs(t, err, &perr)
		require.Equal(t, "boom", perr.Value)
		require.ErrorAs(t, recv(t, h.done).Err, &perr)

		id, _, err := h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		require.Equal(t, 2, id)
		require.NoError(t, recv(t, h.done).Err)
	})

	t.Run("a panicking scheduled run is reported with its id and the schedule goes on",
		func(t *testing.T) {
			h := newHarness(t, t0.Add(-time.Hour), true, nil)
			var n atomic.Int64
			h.sync = func(ctx context.Context, _ Trigger) (int, error) {
				id := int(n.Add(1))
				Started(ctx, id)
				if id == 1 {
					panic(errors.New("nil map"))
				}
				return id, nil
			}
			h.start(t)
			h.tick(t, 1, t0.Add(2*time.Hour))
			res := recv(t, h.done)
			var perr *PanicError
			require.ErrorAs(t, res.Err, &perr)
			require.Equal(t, 1, res.RunID, "the hook learns which run to record as failed")
			h.logs.waitFor(t, "sync run panicked")

			h.tick(t, 1, t0.Add(5*time.Hour))
			res = recv(t, h.done)
			require.NoError(t, res.Err)
			require.Equal(t, 2, res.RunID)
		})
}

func TestScheduler_RunTimeout(t *testing.T) {
	t.Run("cancels a hanging run at the run timeout", func(t *testing.T) {
		h := newHarness(t, t0.Add(-time.Hour), true, nil)
		b := newBlockingSync(3, true)
		h.sync = b.sync
		h.start(t)
		id, _, err := h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		require.Equal(t, 3, id)
		recv(t, b.entered)

		h.advance(t, 2, 30*time.Minute)
		require.ErrorIs(t, recv(t, b.causes), ErrRunTimeout)
		res := recv(t, h.done)
		require.ErrorIs(t, res.Err, context.Canceled)
		require.Equal(t, 3, res.RunID)
		h.logs.waitFor(t, "sync run cancelled at its timeout")
	})
}

func TestScheduler_Shutdown(t *testing.T) {
	t.Run("lets a running sync finish within the stop timeout", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		b := newBlockingSync(4, true)
		h.sync = b.sync // not started: the only timers are the run's and Shutdown's
		_, _, err := h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		recv(t, b.entered)

		stopped := make(chan error, 1)
		go func() { stopped <- h.s.Shutdown(context.Background()) }()
		// The run's timeout and Shutdown's stop timer: Shutdown is waiting.
		require.NoError(t, h.clock.BlockUntilContext(context.Background(), 2))
		close(b.release)
		require.NoError(t, recv(t, b.causes), "the run was not cancelled")
		require.NoError(t, recv(t, stopped))
		require.NoError(t, recv(t, h.done).Err)
	})

	t.Run("cancels a sync still running at the stop timeout", func(t *testing.T) {
		h := newHarness(t, t0, true, nil)
		b := newBlockingSync(5, true)
		h.sync = b.sync // not started: the only timers are the run's and Shutdown's
		_, _, err := h.syncNow(t, TriggerManual)
		require.NoError(t, err)
		recv(t, b.entered)

		stopped := make(chan error, 1)
		go func() { stopped <- h.s.Shutdown(context.Background()) }()
		h.advance(t, 2, 30*time.Second)
		require.ErrorIs(t, recv(t, b.causes), ErrStopTimeout)
		require.ErrorIs(t, recv(t, stopped), ErrStopTimeout)
		require.ErrorIs(t, recv(t, h.done).Err, context.Canceled)
	})
}

func TestScheduler_Jobs(t *testing.T) {
	t.Run("runs extra jobs on their schedule and survives their panics", func(t *testing.T) {
		hourly := make(chan time.Time, 4)
		daily := make(chan time.Time, 4)
		var h *harness
		var n atomic.Int64
		h = newHarness(t, t0, true, func(c *Config) {
			c.Jobs = []Job{
				{Name: "hourly", Every: time.Hour, Func: func(context.Context) error {
					hourly <- h.clock.Now()
					if n.Add(1) == 1 {
						panic("first hour")
					}
					return nil
				}},
				{Name: "daily", Daily: &TimeOfDay{Hour: 10, Minute: 0},
					Func: func(context.Context) error {
						daily <- h.clock.Now()
						return nil
					}},
			}
		})
		h.sync, _, _ = recordingSync(h.clock)
		h.start(t)

		// Three gocron timers: the sync, the hourly and the daily job.
		h.advance(t, 3, time.Hour)
		require.Equal(t, t0.Add(time.Hour), recv(t, hourly))
		require.Equal(t, t0.Add(time.Hour), recv(t, daily))
		h.logs.waitFor(t, "job panicked")

		h.advance(t, 3, time.Hour)
		require.Equal(t, t0.Add(2*time.Hour), recv(t, hourly))
	})
}
