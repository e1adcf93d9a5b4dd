package schedule

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// startedKey carries, in a run's context, the func that Started calls.
type startedKey struct{}

// Started tells the scheduler that the run executing under ctx has the id runID, so that
// SyncNow callers waiting for it return and other replicas can join it. A SyncFunc calls it
// once its run is recorded; later calls are ignored, and so is a ctx that does not belong to a
// scheduler's run.
func Started(ctx context.Context, runID int) {
	if report, ok := ctx.Value(startedKey{}).(func(context.Context, int)); ok {
		report(ctx, runID)
	}
}

// run is one attempt to sync: a local run, or the discovery that another replica runs one.
type run struct {
	trigger Trigger

	once      sync.Once
	startedCh chan struct{} // closed once id, remote and startErr are final
	id        int
	remote    bool  // the run belongs to another process
	startErr  error // the attempt ended before the run had an id

	doneCh chan struct{} // closed once err is final and the attempt is over
	err    error
}

func newRun(trigger Trigger) *run {
	return &run{trigger: trigger, startedCh: make(chan struct{}), doneCh: make(chan struct{})}
}

// markStarted settles what waiting callers learn, the first time only; it reports whether
// this call did.
func (r *run) markStarted(id int, remote bool, err error) bool {
	first := false
	r.once.Do(func() {
		first = true
		r.id, r.remote = id, remote
		if id == 0 {
			r.startErr = err
		}
		close(r.startedCh)
	})
	return first
}

// claim returns the run a caller should wait on: the one under way in this process (joined),
// or a new attempt, which it starts or, when another process holds the run lock, resolves to
// that process's run.
func (s *Scheduler) claim(ctx context.Context, trigger Trigger) (*run, bool, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, false, ErrShutdown
	}
	if r := s.current; r != nil {
		s.mu.Unlock()
		return r, true, nil
	}
	r := newRun(trigger)
	s.current = r
	s.wg.Add(1)
	s.mu.Unlock()

	s.acquire(ctx, r)
	return r, false, nil
}

// acquire takes the run lock for r and starts the run, or follows the run that holds the
// lock elsewhere until its id is known.
func (s *Scheduler) acquire(ctx context.Context, r *run) {
	for {
		release, ok, err := s.lock.TryLock(ctx)
		if err != nil {
			s.abandon(r, 0, fmt.Errorf("schedule: taking the run lock: %w", err))
			return
		}
		if ok {
			go s.execute(r, release)
			return
		}
		id, known, err := s.remoteRun(ctx)
		if err != nil {
			s.abandon(r, 0, err)
			return
		}
		if known || s.tracker == nil {
			s.abandon(r, id, nil)
			return
		}
		// The holder has not published its id yet, or has just released the lock.
		select {
		case <-s.clock.After(s.cfg.JoinPollInterval):
		case <-ctx.Done():
			s.abandon(r, 0, fmt.Errorf("schedule: waiting for another replica's run: %w",
				context.Cause(ctx)))
			return
		case <-s.closing:
			s.abandon(r, 0, ErrShutdown)
			return
		}
	}
}

// remoteRun asks the tracker, if any, for the id of the run another process holds.
func (s *Scheduler) remoteRun(ctx context.Context) (int, bool, error) {
	if s.tracker == nil {
		return 0, false, nil
	}
	id, ok, err := s.tracker.Current(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("schedule: reading the current run: %w", err)
	}
	return id, ok, nil
}

// abandon ends an attempt that runs nothing here: it belongs to another process (id set, or
// unknown when the lock cannot tell) or failed to begin (err set).
func (s *Scheduler) abandon(r *run, id int, err error) {
	defer s.wg.Done()
	r.markStarted(id, err == nil, err)
	s.finish(r, err)
}

// finish records the attempt's error, frees the slot and wakes those waiting for the end.
func (s *Scheduler) finish(r *run, err error) {
	r.err = err
	s.mu.Lock()
	if s.current == r {
		s.current = nil
	}
	s.mu.Unlock()
	close(r.doneCh)
}

// execute runs the sync for r while holding the run lock.
func (s *Scheduler) execute(r *run, release func()) {
	defer s.wg.Done()
	res := RunResult{Trigger: r.trigger, Started: s.clock.Now()}
	var id int
	cause, err := s.runTimed(s.cfg.RunTimeout, func(ctx context.Context) error {
		ctx = context.WithValue(ctx, startedKey{}, func(c context.Context, id int) {
			s.reportStarted(c, r, id)
		})
		var err error
		id, err = s.cfg.Sync(ctx, r.trigger)
		return err
	})
	release()

	r.markStarted(id, false, err)
	res.RunID, res.Err, res.Finished = r.id, err, s.clock.Now()
	if res.RunID == 0 {
		res.RunID = id
	}
	s.finish(r, err)
	s.logRun(res, cause)
	s.notifyDone(res)
}

// reportStarted is what Started calls for the run r.
func (s *Scheduler) reportStarted(ctx context.Context, r *run, id int) {
	if !r.markStarted(id, false, nil) {
		return
	}
	s.log.Debug("sync run started", "run_id", id, "trigger", string(r.trigger))
	if s.tracker == nil {
		return
	}
	if err := s.tracker.Publish(ctx, id); err != nil {
		s.log.Warn("other replicas will not see this run's id", "run_id", id, "error", err)
	}
}

func (s *Scheduler) logRun(res RunResult, cause error) {
	attrs := []any{"run_id", res.RunID, "trigger", string(res.Trigger),
		"duration", res.Finished.Sub(res.Started)}
	var perr *PanicError
	switch {
	case errors.As(res.Err, &perr):
		s.log.Error("sync run panicked", append(attrs, "panic", fmt.Sprint(perr.Value),
			"stack", string(perr.Stack))...)
	case res.Err != nil && errors.Is(cause, ErrRunTimeout):
		s.log.Warn("sync run cancelled at its timeout", append(attrs, "error", res.Err)...)
	case res.Err != nil:
		s.log.Warn("sync run failed", append(attrs, "error", res.Err)...)
	default:
		s.log.Debug("sync run ended", attrs...)
	}
}

func (s *Scheduler) notifyDone(res RunResult) {
	if s.cfg.OnRunDone == nil {
		return
	}
	ctx := context.WithoutCancel(s.runCtx)
	if err := protect(func() error { s.cfg.OnRunDone(ctx, res); return nil }); err != nil {
		s.log.Error("run-done hook panicked", "run_id", res.RunID, "error", err)
	}
}

// runTimed calls f under a child of the scheduler's run context that is cancelled with cause
// ErrRunTimeout after timeout, and turns a panic into a *PanicError. It returns the context's
// cancellation cause as f left it (nil unless cancelled) and f's error. Syncs and extra jobs
// both run through it, so that they time out and stop at shutdown alike.
func (s *Scheduler) runTimed(timeout time.Duration, f func(ctx context.Context) error) (cause,
	err error,
) {
	ctx, cancel := context.WithCancelCause(s.runCtx)
	defer cancel(nil)
	timer := s.clock.AfterFunc(timeout, func() { cancel(ErrRunTimeout) })
	defer timer.Stop()
	err = protect(func() error { return f(ctx) })
	return context.Cause(ctx), err
}

// protect calls f and turns a panic into a *PanicError.
func protect(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}
