package lifecycle

import (
	"context"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
)

// CheckpointID is the id of the checkpoint row lifecycle evaluation keeps.
const CheckpointID = "lifecycle"

// checkpoint is how far evaluation has run on a database.
//
// reached is the clock reading of the last successful evaluation: every
// occurrence due up to it has been considered. It is zero before the first
// evaluation ever.
//
// people is the latest person created_at that evaluation had loaded, and
// is how an evaluation tells who is new to it. created_at is stamped by
// whoever inserted the row (the sync, with its own clock), so it is only
// ever compared with other created_at values, never with the evaluator's
// clock: a person created after the mark was not in the directory when the
// last evaluation read it, and the evaluator considers them known from the
// current evaluation on. This holds as long as person rows are created in
// commit order with non-decreasing stamps, which the sync guarantees by
// never overlapping itself and stamping each run with one instant taken
// inside its transaction; replicas whose clocks disagree by more than the
// time between two syncs could break it.
type checkpoint struct {
	reached time.Time
	people  time.Time
}

// exists reports whether an evaluation has ever completed on the database.
func (c checkpoint) exists() bool { return !c.reached.IsZero() }

// known reports whether a person created at created was in view of the
// last evaluation.
func (c checkpoint) known(created time.Time) bool {
	return c.exists() && !created.After(c.people)
}

// merge returns the later of each field of c and o, so that a checkpoint
// never moves backwards.
func (c checkpoint) merge(o checkpoint) checkpoint {
	if o.reached.After(c.reached) {
		c.reached = o.reached
	}
	if o.people.After(c.people) {
		c.people = o.people
	}
	return c
}

// readCheckpoint returns the stored checkpoint, or the zero checkpoint when
// no evaluation has completed yet.
func readCheckpoint(ctx context.Context, c *ent.CheckpointClient) (checkpoint, error) {
	row, err := c.Get(ctx, CheckpointID)
	switch {
	case ent.IsNotFound(err):
		return checkpoint{}, nil
	case err != nil:
		return checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	cp := checkpoint{reached: row.ReachedAt}
	if row.PeopleCreatedAt != nil {
		cp.people = *row.PeopleCreatedAt
	}
	return cp, nil
}

// advanceCheckpoint merges next into the stored checkpoint inside tx. The
// caller holds the event log's lock, which every evaluation takes before it
// writes, so that the read and the write cannot interleave with another
// evaluator's and the checkpoint only moves forward.
func advanceCheckpoint(ctx context.Context, tx *ent.Tx, next checkpoint) error {
	cur, err := readCheckpoint(ctx, tx.Checkpoint)
	if err != nil {
		return err
	}
	merged := cur.merge(next)
	if merged == cur {
		return nil
	}
	if !cur.exists() {
		err = tx.Checkpoint.Create().SetID(CheckpointID).SetReachedAt(merged.reached).
			SetNillablePeopleCreatedAt(nonZero(merged.people)).Exec(ctx)
	} else {
		err = tx.Checkpoint.UpdateOneID(CheckpointID).SetReachedAt(merged.reached).
			SetNillablePeopleCreatedAt(nonZero(merged.people)).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

// nonZero returns &t, or nil for the zero time.
func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
