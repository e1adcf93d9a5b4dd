package schedule

import (
	"context"
	"time"
)

// Trigger says why a sync run starts.
type Trigger string

// The triggers a run can have. Their values are the strings the sync stores with the run.
const (
	// TriggerSchedule marks a run started by the interval.
	TriggerSchedule Trigger = "SCHEDULE"
	// TriggerStartup marks the catch-up run at start-up when the last run is too old.
	TriggerStartup Trigger = "STARTUP"
	// TriggerManual marks a run an operator asked for.
	TriggerManual Trigger = "MANUAL"
	// TriggerWebhook marks a run a Humaans webhook asked for.
	TriggerWebhook Trigger = "WEBHOOK"
	// TriggerApproval marks a run that applies a held sync after an operator approved it.
	TriggerApproval Trigger = "APPROVAL"
)

// Valid reports whether t is one of the known triggers.
func (t Trigger) Valid() bool {
	switch t {
	case TriggerSchedule, TriggerStartup, TriggerManual, TriggerWebhook, TriggerApproval:
		return true
	}
	return false
}

// SyncFunc runs one sync and returns the id of the run it recorded. It must stop promptly
// when ctx is cancelled, which happens at the run timeout and at shutdown; context.Cause(ctx)
// then says which ([ErrRunTimeout] or [ErrStopTimeout]). It should call [Started] as soon as
// the run has an id, so callers waiting in [Scheduler.SyncNow] can return before the run ends.
type SyncFunc func(ctx context.Context, trigger Trigger) (runID int, err error)

// RunResult describes a run that ended in this process.
type RunResult struct {
	// RunID is the id the run reported, or 0 when it never got one.
	RunID int
	// Trigger says why the run started.
	Trigger Trigger
	// Started and Finished are read from the scheduler's clock.
	Started, Finished time.Time
	// Err is what the SyncFunc returned, or a *PanicError when it panicked.
	Err error
}
