package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// batchSize bounds the rows of one INSERT and the keys of one IN list,
// well under SQLite's and Postgres' bind-variable limits.
const batchSize = 1000

// store inserts the occurrences the log does not hold yet, advances the
// checkpoint to next in the same transaction, and returns how many it
// inserted. Occurrences already stored, the common case for a periodic
// evaluation, are filtered out before the write transaction opens; the
// rest are checked again under the log lock, which serialises writers, so
// that the count is exact and the checkpoint monotonic even with concurrent
// evaluators.
func (e *Evaluator) store(ctx context.Context, occs []Occurrence, next checkpoint) (int, error) {
	fresh, err := e.unstored(ctx, e.db.Client.Event, occs)
	if err != nil {
		return 0, err
	}
	tx, err := e.db.Client.Tx(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	if err := pubsub.LockLog(ctx, tx, e.db.Dialect); err != nil {
		return 0, store.Rollback(tx, err)
	}
	n, err := e.insert(ctx, tx, fresh)
	if err != nil {
		return 0, store.Rollback(tx, err)
	}
	if err := advanceCheckpoint(ctx, tx, next); err != nil {
		return 0, store.Rollback(tx, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	if n > 0 && e.cfg.Committed != nil {
		e.cfg.Committed(ctx)
	}
	return n, nil
}

// insert writes the occurrences not stored yet inside tx, whose caller
// holds the log lock, and announces them.
func (e *Evaluator) insert(ctx context.Context, tx *ent.Tx, occs []Occurrence) (int, error) {
	if len(occs) == 0 {
		return 0, nil
	}
	fresh, err := e.unstored(ctx, tx.Event, occs)
	if err != nil || len(fresh) == 0 {
		return 0, err
	}
	for i := 0; i < len(fresh); i += batchSize {
		chunk := fresh[i:min(i+batchSize, len(fresh))]
		b := make([]*ent.EventCreate, len(chunk))
		for j := range chunk {
			b[j] = eventCreate(tx.Event, &chunk[j])
		}
		// The lock makes conflicts impossible among evaluators; ignoring
		// them keeps the key's uniqueness the last word even so.
		err := tx.Event.CreateBulk(b...).
			OnConflictColumns(event.FieldOccurrenceKey).Ignore().Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("insert events: %w", err)
		}
	}
	if err := pubsub.NotifyTx(ctx, tx, e.db.Dialect); err != nil {
		return 0, err
	}
	if e.cfg.Notify != nil {
		if err := e.cfg.Notify(ctx, tx); err != nil {
			return 0, fmt.Errorf("notify hook: %w", err)
		}
	}
	return len(fresh), nil
}

// unstored returns the occurrences whose keys the log does not hold, in
// their order.
func (e *Evaluator) unstored(ctx context.Context, c *ent.EventClient,
	occs []Occurrence) ([]Occurrence, error) {
	stored := make(map[string]bool)
	for i := 0; i < len(occs); i += batchSize {
		chunk := occs[i:min(i+batchSize, len(occs))]
		keys := make([]string, len(chunk))
		for j := range chunk {
			keys[j] = chunk[j].Key
		}
		found, err := c.Query().Where(event.OccurrenceKeyIn(keys...)).
			Select(event.FieldOccurrenceKey).Strings(ctx)
		if err != nil {
			return nil, fmt.Errorf("query stored occurrences: %w", err)
		}
		for _, k := range found {
			stored[k] = true
		}
	}
	out := make([]Occurrence, 0, len(occs)-len(stored))
	for _, o := range occs {
		if !stored[o.Key] {
			out = append(out, o)
		}
	}
	return out, nil
}

// payload is the JSON an occurrence event carries.
type payload struct {
	TimeZone string `json:"timeZone"`
	Years    int    `json:"years,omitempty"`
}

func eventCreate(c *ent.EventClient, o *Occurrence) *ent.EventCreate {
	// Marshalling two plain fields cannot fail.
	body, _ := json.Marshal(payload{TimeZone: o.TimeZone, Years: o.Years})
	return c.Create().
		SetType(o.Type).
		SetPersonID(o.PersonID).
		SetOccurredAt(o.FireAt).
		SetPayload(body).
		SetOccurrenceKey(o.Key).
		SetLocalDate(o.LocalDate).
		SetOffsetDays(o.OffsetDays)
}

func rollback(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil {
		return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
	}
	return err
}
