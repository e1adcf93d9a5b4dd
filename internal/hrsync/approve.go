package hrsync

import (
	"context"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
)

// Approve applies a HELD run: it fetches Humaans again and applies the fresh
// diff past the brake, provided it departs no more people than the held run
// would have, and marks the run APPROVED. If the change grew, the run stays
// HELD with the new figures and a *HeldError is returned.
func (e *Engine) Approve(ctx context.Context, runID int) (*ent.SyncRun, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	start := time.Now()
	run, err := e.held(ctx, runID)
	if err != nil {
		return nil, err
	}
	res := e.sync(ctx, run, &approval{maxDepartures: run.Departed})
	if res.status == syncrun.StatusHELD {
		res.heldReason = "approval refused: " + res.heldReason
		stored, err := e.finish(ctx, run, res, start)
		if err != nil {
			return stored, err
		}
		return stored, &HeldError{RunID: run.ID, Reason: res.heldReason}
	}
	if res.status == syncrun.StatusFAILED {
		// A failed approval leaves the run held, to be approved again.
		e.logger.Error("sync approval failed", "run", run.ID, "error", res.err.Error())
		return run, res.err
	}
	return e.finish(ctx, run, res, start)
}

// Discard marks a HELD run DISCARDED; nothing is applied.
func (e *Engine) Discard(ctx context.Context, runID int) (*ent.SyncRun, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.held(ctx, runID); err != nil {
		return nil, err
	}
	run, err := e.db.Client.SyncRun.UpdateOneID(runID).
		Where(syncrun.StatusEQ(syncrun.StatusHELD)).
		SetStatus(syncrun.StatusDISCARDED).SetFinishedAt(e.now()).Save(ctx)
	if err != nil {
		return nil, fmtErr("discard run", err)
	}
	e.logger.Info("sync run discarded", "run", runID)
	return run, nil
}

// held loads a run and checks that it waits for an operator.
func (e *Engine) held(ctx context.Context, runID int) (*ent.SyncRun, error) {
	run, err := e.db.Client.SyncRun.Get(ctx, runID)
	switch {
	case ent.IsNotFound(err):
		return nil, ErrRunNotFound
	case err != nil:
		return nil, fmtErr("read run", err)
	case run.Status != syncrun.StatusHELD:
		return nil, ErrRunNotHeld
	}
	return run, nil
}
