package graph

import (
	"context"
	"fmt"
	"strconv"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/customfielddefinition"
	"github.com/peoplegraph/peoplegraph/ent/predicate"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// runID parses a SyncRun id.
func runID(id string) (int, error) {
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return 0, notFound(fmt.Sprintf("no sync run has id %q", id))
	}
	return n, nil
}

// syncStatus reads the state of the sync from the run records and the
// operator.
func (r *Resolver) syncStatus(ctx context.Context) (*model.HumaansSync, error) {
	out := &model.HumaansSync{Status: model.ConnectionStatusUnknown, HeldRuns: []*ent.SyncRun{}}
	last, err := r.latestRun(ctx, syncrun.StatusNEQ(syncrun.StatusRUNNING))
	if err != nil {
		return nil, err
	}
	if last != nil {
		out.LastRun = last
		out.Status = model.ConnectionStatusConnected
		if last.Status == syncrun.StatusFAILED {
			out.Status = model.ConnectionStatusFailing
		}
	}
	out.LastSuccessfulRun, err = r.latestRun(ctx,
		syncrun.StatusIn(syncrun.StatusSUCCEEDED, syncrun.StatusAPPROVED))
	if err != nil {
		return nil, err
	}
	out.HeldRuns, err = r.client.SyncRun.Query().Where(syncrun.StatusEQ(syncrun.StatusHELD)).
		Order(ent.Desc(syncrun.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list held runs: %w", err)
	}
	if r.operator != nil {
		if next, ok := r.operator.NextSync(); ok {
			out.NextSyncAt = &next
		}
		if out.CurrentRun, err = r.operator.CurrentRun(ctx); err != nil {
			return nil, fmt.Errorf("read the current run: %w", err)
		}
	}
	return out, nil
}

// latestRun returns the newest run matching where, or nil.
func (r *Resolver) latestRun(ctx context.Context, where predicate.SyncRun) (*ent.SyncRun, error) {
	run, err := r.client.SyncRun.Query().Where(where).Order(ent.Desc(syncrun.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the latest sync run: %w", err)
	}
	return run, nil
}

// catalogue returns the custom field catalogue ordered by name.
func (r *Resolver) catalogue(ctx context.Context) ([]*ent.CustomFieldDefinition, error) {
	defs, err := r.client.CustomFieldDefinition.Query().
		Order(ent.Asc(customfielddefinition.FieldName, customfielddefinition.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list custom fields: %w", err)
	}
	return defs, nil
}
