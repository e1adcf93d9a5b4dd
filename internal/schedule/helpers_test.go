package schedule

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// t0 is a Monday 09:00 UTC, the fake clock's start.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// failsafe bounds every wait, so that a broken scheduler fails a test instead of hanging it.
const failsafe = 10 * time.Second

// harness is a scheduler on a fake clock whose runs end up on done. Its SyncFunc calls sync,
// which a test sets before it starts anything.
type harness struct {
	clock *clockwork.FakeClock
	s     *Scheduler
	sync  SyncFunc
	done  chan RunResult
	logs  *logSink
}

// newHarness builds a scheduler with a 3h interval, 30m run timeout and 30s stop timeout
// whose last sync ended at last (never when !ran); edit may change the config.
func newHarness(t *testing.T, last time.Time, ran bool, edit func(*Config)) *harness {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	h := &harness{
		clock: clockwork.NewFakeClockAt(t0),
		done:  make(chan RunResult, 16),
		logs:  newLogSink(),
	}
	cfg := Config{
		Interval:    3 * time.Hour,
		RunTimeout:  30 * time.Minute,
		StopTimeout: 30 * time.Second,
		Clock:       h.clock,
		Logger:      slog.New(h.logs),
		LastRun: func(context.Context) (time.Time, bool, error) {
			return last, ran, nil
		},
		Sync: func(ctx context.Context, tr Trigger) (int, error) {
			return h.sync(ctx, tr)
		},
		OnRunDone: func(_ context.Context, res RunResult) { h.done <- res },
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	h.s = s
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), failsafe)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return h
}

// start starts the scheduler.
func (h *harness) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	require.NoError(t, h.s.Start(ctx))
}

// advance waits until the fake clock has n timers, then moves it on by d.
func (h *harness) advance(t *testing.T, n int, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	require.NoError(t, h.clock.BlockUntilContext(ctx, n), "waiting for %d timers", n)
	h.clock.Advance(d)
}

// tick checks that the next scheduled sync is at want and moves the fake clock there, once
// the clock has n timers. Asking for the next run also makes sure gocron has handled the end
// of the previous run: had the clock jumped first, gocron would count the next tick from the
// job's start time and fire this one twice.
func (h *harness) tick(t *testing.T, n int, want time.Time) {
	t.Helper()
	next, ok := h.s.NextRun()
	require.True(t, ok, "no next run")
	require.Equal(t, want, next)
	h.advance(t, n, want.Sub(h.clock.Now()))
}

// syncNow calls SyncNow with a bounded context.
func (h *harness) syncNow(t *testing.T, trigger Trigger) (int, bool, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), failsafe)
	defer cancel()
	return h.s.SyncNow(ctx, trigger)
}

// recv returns the next value from ch, failing the test if none comes.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(failsafe):
		t.Fatalf("nothing arrived within %s", failsafe)
		var zero T
		return zero
	}
}

// call is one invocation of a test SyncFunc.
type call struct {
	trigger Trigger
	at      time.Time
}

// recordingSync returns a SyncFunc that reports each call on calls, reports id n for call n
// and returns at once, plus the number of calls so far.
func recordingSync(clock clockwork.Clock) (SyncFunc, <-chan call, *atomic.Int64) {
	calls := make(chan call, 16)
	var n atomic.Int64
	return func(ctx context.Context, trigger Trigger) (int, error) {
		id := int(n.Add(1))
		Started(ctx, id)
		calls <- call{trigger: trigger, at: clock.Now()}
		return id, nil
	}, calls, &n
}

// logSink is a slog handler that passes each message on to a channel.
type logSink struct {
	msgs chan string
}

func newLogSink() *logSink { return &logSink{msgs: make(chan string, 256)} }

func (l *logSink) Enabled(context.Context, slog.Level) bool { return true }

func (l *logSink) Handle(_ context.Context, r slog.Record) error {
	select {
	case l.msgs <- r.Message:
	default: // a full sink drops; tests wait for messages they expect soon
	}
	return nil
}

func (l *logSink) WithAttrs([]slog.Attr) slog.Handler { return l }

func (l *logSink) WithGroup(string) slog.Handler { return l }

// waitFor waits until a message containing want is logged.
func (l *logSink) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(failsafe)
	for {
		select {
		case msg := <-l.msgs:
			if strings.Contains(msg, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no log message containing %q within %s", want, failsafe)
		}
	}
}

// staticElector is an Elector with a fixed answer.
type staticElector struct {
	err    error
	closed atomic.Bool
}

func (e *staticElector) IsLeader(context.Context) error { return e.err }

func (e *staticElector) Close() error {
	e.closed.Store(true)
	return nil
}
