package hrsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// fullScope is the scope without which Humaans hides pre-hires and private
// fields, so that people missing from a listing may only be invisible.
const fullScope = "private:read"

// approval lets a run through the brake up to what an operator approved.
type approval struct {
	maxDepartures int
}

// outcome is how a sync attempt ended before its run row is finalised.
type outcome struct {
	status     syncrun.Status
	plan       *plan
	heldReason string
	err        error
	// applied is set when the run row was already updated in the sync's
	// transaction.
	applied bool
}

func fmtErr(what string, err error) error {
	return fmt.Errorf("hrsync: %s: %w", what, err)
}

// sync fetches, plans and, unless the brake holds it, applies.
func (e *Engine) sync(ctx context.Context, run *ent.SyncRun, ok *approval) outcome {
	// The catalogue is read first: it decides whether custom values are
	// fetched, and the plan must use the same selection. A field selected
	// while the sync runs takes effect at the next one.
	defs, err := loadDefinitions(ctx, e.db.Client)
	if err != nil {
		return outcome{status: syncrun.StatusFAILED, err: fmtErr("read directory", err)}
	}
	var opts []humaans.SnapshotOption
	if !e.needsCustomValues(defs) {
		opts = append(opts, humaans.WithoutCustomValues())
	}
	// The rest of the stored directory loads while Humaans is read: they
	// are independent.
	type loaded struct {
		st  *state
		err error
	}
	stored := make(chan loaded, 1)
	go func() {
		st, err := loadState(ctx, e.db.Client, defs)
		stored <- loaded{st, err}
	}()
	fetchStart := time.Now()
	snap, err := e.src.Snapshot(ctx, opts...)
	load := <-stored
	if err != nil {
		return outcome{status: syncrun.StatusFAILED, err: fmt.Errorf("%w: %w", ErrFetch, err)}
	}
	e.logger.Info("sync fetched humaans", "run", run.ID, "people", len(snap.People),
		"job_roles", len(snap.JobRoles), "custom_values", len(snap.CustomValues),
		"complete", snap.Complete, "duration", time.Since(fetchStart))
	if load.err != nil {
		return outcome{status: syncrun.StatusFAILED, err: fmtErr("read directory", load.err)}
	}
	st := load.st
	planStart := time.Now()
	newlySelected := e.preselect(snap, st)
	p := e.plan(snap, st)
	p.newlySelected = newlySelected
	added, updated, departed := p.counts()
	e.logger.Debug("sync planned", "run", run.ID, "added", added, "updated", updated,
		"departed", departed, "unchanged", p.unchanged, "skipped", p.skipped,
		"duration", time.Since(planStart))

	if reason := e.brake(snap, st, p); reason != "" {
		if ok == nil || departed > ok.maxDepartures {
			return outcome{status: syncrun.StatusHELD, plan: p, heldReason: reason}
		}
		e.logger.Info("sync brake bypassed by approval", "run", run.ID, "reason", reason)
	}
	final := syncrun.StatusSUCCEEDED
	if ok != nil {
		final = syncrun.StatusAPPROVED
	}
	applyStart := time.Now()
	if err := e.commit(ctx, run.ID, p, final); err != nil {
		return outcome{status: syncrun.StatusFAILED, plan: p, err: fmtErr("apply", err)}
	}
	e.logger.Debug("sync applied", "run", run.ID, "writes", len(p.writes),
		"duration", time.Since(applyStart))
	return outcome{status: final, plan: p, applied: true}
}

// needsCustomValues reports whether a run has to read custom values: a
// field of defs is selected, or WithCustomFields may select one the snapshot
// brings. Otherwise the longest listing is skipped.
func (e *Engine) needsCustomValues(defs []*ent.CustomFieldDefinition) bool {
	if len(e.initialFields) > 0 {
		return true
	}
	for _, d := range defs {
		if d.Selected {
			return true
		}
	}
	return false
}

// preselect marks the custom fields named by WithCustomFields as selected
// when the snapshot brings them into the catalogue for the first time, and
// returns their ids.
func (e *Engine) preselect(snap *humaans.Snapshot, st *state) map[string]bool {
	if len(e.initialFields) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, f := range snap.CustomFields {
		if _, known := st.defs[f.ID]; known {
			continue
		}
		for _, n := range e.initialFields {
			if n == "*" || namesField(n, f.ID, f.Name) {
				out[f.ID] = true
				st.selected[f.ID] = true
			}
		}
	}
	return out
}

// plan computes the diff of a snapshot against the stored directory.
func (e *Engine) plan(snap *humaans.Snapshot, st *state) *plan {
	full := snap.Complete && len(snap.People) > 0 &&
		(snap.Token == nil || snap.Token.HasScope(fullScope))
	b := &builder{
		snap:              snap,
		stored:            st,
		today:             civil.Today(e.clock.Now(), e.zone),
		includeOffboarded: e.includeOffboarded,
		fullReconcile:     full,
	}
	return diff(st, b.build(), snap, full, e.now())
}

// brake returns why the plan must wait for an operator, or "".
func (e *Engine) brake(snap *humaans.Snapshot, st *state, p *plan) string {
	_, _, departed := p.counts()
	switch {
	case p.listed == 0:
		return "Humaans returned no people"
	case !snap.Complete && !p.empty():
		return "Humaans listings ended before their totals, so the upstream is partial"
	case departed > 0 && float64(departed) > e.departureLimit*float64(st.current):
		return fmt.Sprintf("would depart %d of %d people, more than the %.0f%% limit",
			departed, st.current, e.departureLimit*100)
	}
	return ""
}

// commit applies the plan and finalises the run in one transaction.
func (e *Engine) commit(ctx context.Context, runID int, p *plan, status syncrun.Status) error {
	tx, err := e.db.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Change events take the log's lock before their ids are drawn, so ids
	// commit in order and a subscriber reading past a cursor skips none.
	events := len(p.writes) > 0
	if events {
		if err := pubsub.LockLog(ctx, tx, e.db.Dialect); err != nil {
			return store.Rollback(tx, err)
		}
	}
	now := e.now()
	a := &applier{tx: tx, plan: p, runID: runID, now: now, batch: e.batchSize, logger: e.logger,
		dialect: e.db.Dialect}
	if err := a.apply(ctx); err != nil {
		return store.Rollback(tx, err)
	}
	// An approved run keeps its held reason: it says what the operator
	// approved.
	upd := tx.SyncRun.UpdateOneID(runID).SetStatus(status).SetFinishedAt(now).ClearError()
	err = setFigures(upd, p).Exec(ctx)
	if err != nil {
		return store.Rollback(tx, fmt.Errorf("record run: %w", err))
	}
	if events {
		if err := pubsub.NotifyTx(ctx, tx, e.db.Dialect); err != nil {
			return store.Rollback(tx, err)
		}
	}
	commitStart := time.Now()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	e.logger.Debug("sync committed", "run", runID, "duration", time.Since(commitStart))
	if events && e.committed != nil {
		e.committed(ctx)
	}
	return nil
}

// setFigures sets what the plan counted and the problems it met on the
// update of its run.
func setFigures(upd *ent.SyncRunUpdateOne, p *plan) *ent.SyncRunUpdateOne {
	added, updated, departed := p.counts()
	return upd.SetAdded(added).SetUpdated(updated).SetDeparted(departed).
		SetUnchanged(p.unchanged).SetSkipped(p.skipped).
		SetProblems(problemsOrEmpty(p.problems))
}

func problemsOrEmpty(ps []schema.Problem) []schema.Problem {
	if ps == nil {
		return []schema.Problem{}
	}
	return ps
}

// finish records a run that did not commit (held or failed), logs the
// summary line and returns the run as stored.
func (e *Engine) finish(ctx context.Context, run *ent.SyncRun, res outcome,
	start time.Time) (*ent.SyncRun, error) {
	ctx = context.WithoutCancel(ctx)
	if !res.applied {
		upd := e.db.Client.SyncRun.UpdateOneID(run.ID).SetStatus(res.status).SetFinishedAt(e.now())
		if res.plan != nil {
			setFigures(upd, res.plan)
		}
		if res.heldReason != "" {
			upd.SetHeldReason(res.heldReason)
		}
		if res.err != nil {
			upd.SetError(res.err.Error())
		}
		if err := upd.Exec(ctx); err != nil {
			return nil, errors.Join(res.err, fmtErr("record run outcome", err))
		}
	}
	stored, err := e.db.Client.SyncRun.Get(ctx, run.ID)
	if err != nil {
		return nil, errors.Join(res.err, fmtErr("read run", err))
	}
	e.summarise(stored, time.Since(start))
	return stored, res.err
}

// summarise writes the one Info line per run.
func (e *Engine) summarise(r *ent.SyncRun, took time.Duration) {
	attrs := []any{
		"run", r.ID, "trigger", r.Trigger, "status", r.Status,
		"added", r.Added, "updated", r.Updated, "departed", r.Departed,
		"unchanged", r.Unchanged, "skipped", r.Skipped,
		"problems", len(r.Problems), "duration", took,
	}
	if r.HeldReason != nil {
		attrs = append(attrs, "held_reason", *r.HeldReason)
	}
	if r.Error != nil {
		attrs = append(attrs, "error", *r.Error)
		e.logger.Error("sync failed", attrs...)
		return
	}
	e.logger.Info("sync finished", attrs...)
}
