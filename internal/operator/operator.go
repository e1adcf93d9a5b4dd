// Package operator carries out the sync operations of the graph (sync now,
// approve or discard a held run, select custom fields, report the run
// under way) with the scheduler, the sync engine and the database.
package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// ErrRunUnknown is returned when a run reported by the scheduler has no record.
var ErrRunUnknown = errors.New("operator: the sync run has no record")

// Operator implements graph.Operator.
type Operator struct {
	sched  *schedule.Scheduler
	engine *hrsync.Engine
	client *ent.Client
}

// New returns an Operator. The scheduler runs syncs (so that a manual run
// never overlaps a scheduled one), the engine approves, discards and selects
// custom fields, and db holds the run records.
func New(sched *schedule.Scheduler, engine *hrsync.Engine, db *store.DB) *Operator {
	return &Operator{sched: sched, engine: engine, client: db.Client}
}

// RunObserver is told of a run that ended with a record, whatever its status,
// and how long the engine took over it.
type RunObserver func(run *ent.SyncRun, took time.Duration)

// SyncFunc returns the scheduler's SyncFunc for engine: one engine run per
// call, with the trigger the scheduler gives. Once the run ends, each of
// observers is told of it, unless the engine returned no record. Build the
// engine with hrsync.WithRunStarted(schedule.Started) so that SyncNow returns
// as soon as the run is recorded rather than when it ends.
func SyncFunc(engine *hrsync.Engine, observers ...RunObserver) schedule.SyncFunc {
	return func(ctx context.Context, trigger schedule.Trigger) (int, error) {
		start := time.Now()
		run, err := engine.Run(ctx, syncrun.Trigger(trigger))
		if run == nil {
			return 0, err
		}
		took := time.Since(start)
		for _, observe := range observers {
			observe(run, took)
		}
		return run.ID, err
	}
}

// SyncNow starts a manual sync or joins the one under way. The run is nil
// when another replica runs it and its id is not known yet.
func (o *Operator) SyncNow(ctx context.Context) (*ent.SyncRun, bool, error) {
	id, joined, err := o.sched.SyncNow(ctx, schedule.TriggerManual)
	if err != nil {
		return nil, false, fmt.Errorf("operator: sync now: %w", err)
	}
	if id == 0 {
		return nil, joined, nil
	}
	run, err := o.run(ctx, id)
	return run, joined, err
}

// Approve applies the held run runID.
func (o *Operator) Approve(ctx context.Context, runID int) (*ent.SyncRun, error) {
	run, err := o.engine.Approve(ctx, runID)
	if err != nil {
		return run, fmt.Errorf("operator: approve: %w", err)
	}
	return run, nil
}

// Discard discards the held run runID.
func (o *Operator) Discard(ctx context.Context, runID int) (*ent.SyncRun, error) {
	run, err := o.engine.Discard(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("operator: discard: %w", err)
	}
	return run, nil
}

// SelectCustomFields makes exactly these custom fields sync.
func (o *Operator) SelectCustomFields(ctx context.Context, names []string) error {
	if err := o.engine.SelectCustomFields(ctx, names); err != nil {
		return fmt.Errorf("operator: select custom fields: %w", err)
	}
	return nil
}

// CurrentRun returns the run under way in this process, or nil.
func (o *Operator) CurrentRun(ctx context.Context) (*ent.SyncRun, error) {
	id, ok := o.sched.Running()
	if !ok {
		return nil, nil
	}
	return o.run(ctx, id)
}

// NextSync returns when the next scheduled sync starts.
func (o *Operator) NextSync() (time.Time, bool) {
	return o.sched.NextRun()
}

func (o *Operator) run(ctx context.Context, id int) (*ent.SyncRun, error) {
	run, err := o.client.SyncRun.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %d", ErrRunUnknown, id)
	}
	if err != nil {
		return nil, fmt.Errorf("operator: read run %d: %w", id, err)
	}
	return run, nil
}
