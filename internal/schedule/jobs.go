package schedule

import (
	"context"
	"errors"
	"sync/atomic"
)

// jobTask wraps an extra job for gocron. The work runs on a goroutine under the scheduler's
// own context, so that Shutdown lets it finish within the stop timeout, as it does for syncs.
// A tick that comes while the job still runs is skipped.
func (s *Scheduler) jobTask(j Job) func(ctx context.Context) error {
	var running atomic.Bool
	return func(ctx context.Context) error {
		if !running.CompareAndSwap(false, true) {
			s.log.Info("job still running, tick skipped", "job", j.Name)
			return nil
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			running.Store(false)
			return ErrShutdown
		}
		s.wg.Add(1)
		s.mu.Unlock()

		done := make(chan error, 1)
		go func() {
			defer s.wg.Done()
			cause, err := s.runTimed(j.Timeout, j.Func)
			timedOut := errors.Is(cause, ErrRunTimeout)
			// The job is over before its outcome is logged, so that the
			// log line never precedes the end of the run it reports.
			running.Store(false)
			s.logJobEnd(j, err, timedOut)
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// logJobEnd logs how a job's run ended.
func (s *Scheduler) logJobEnd(j Job, err error, timedOut bool) {
	var perr *PanicError
	switch {
	case errors.As(err, &perr):
		s.log.Error("job panicked", "job", j.Name, "panic", perr.Value, "stack",
			string(perr.Stack))
	case err != nil:
		s.log.Warn("job failed", "job", j.Name, "error", err, "timed_out", timedOut)
	default:
		s.log.Debug("job ended", "job", j.Name)
	}
}
