package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/graph/model"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
)

// ErrNoLifecycle is returned by upcomingLifecycleEvents when the handler was
// built without a Lifecycle.
var ErrNoLifecycle = errors.New("graph: lifecycle projections are not available on this server")

// eventPerson returns the person of an event: the row read with the event
// when there is one, else a lookup through the loaders. People who left are
// found too.
func (r *Resolver) eventPerson(ctx context.Context, id string, row *ent.Person) (*ent.Person,
	error,
) {
	if row != nil {
		return row, nil
	}
	return r.loaders(ctx).person.Load(ctx, id)
}

// lifecycleEvents pages the stored lifecycle events, oldest first.
func (r *Resolver) lifecycleEvents(ctx context.Context, first *int, after *string,
	filter *model.LifecycleEventFilter) (*model.LifecycleEventConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	q := r.client.Event.Query().Where(event.TypeIn(lifecycle.Types()...))
	if filter != nil {
		if len(filter.Types) > 0 {
			q = q.Where(event.TypeIn(filter.Types...))
		}
		if filter.PersonID != nil {
			q = q.Where(event.PersonID(*filter.PersonID))
		}
		if filter.From != nil {
			q = q.Where(event.LocalDateGTE(*filter.From))
		}
		if filter.To != nil {
			q = q.Where(event.LocalDateLTE(*filter.To))
		}
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count lifecycle events: %w", err)
	}
	if after != nil {
		id, err := parseEventCursor(*after)
		if err != nil {
			return nil, err
		}
		q = q.Where(event.IDGT(int(id)))
	}
	rows, err := q.Order(ent.Asc(event.FieldID)).Limit(n + 1).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list lifecycle events: %w", err)
	}
	conn := &model.LifecycleEventConnection{TotalCount: total, HasNextPage: len(rows) > n}
	if conn.HasNextPage {
		rows = rows[:n]
	}
	conn.Nodes = make([]*model.LifecycleEvent, len(rows))
	for i, ev := range rows {
		conn.Nodes[i] = lifecycleEventOf(ev, nil)
	}
	if len(rows) > 0 {
		conn.EndCursor = optional(eventCursor(rows[len(rows)-1].ID))
	}
	return conn, nil
}

// upcoming projects the occurrences of a range.
func (r *Resolver) upcoming(ctx context.Context, from, to civil.Date,
	types []event.Type) ([]*model.LifecycleOccurrence, error) {
	if r.lifecycle == nil {
		return nil, ErrNoLifecycle
	}
	occs, err := r.lifecycle.Upcoming(ctx, from, to, types)
	if err != nil {
		return nil, fmt.Errorf("upcoming lifecycle events: %w", err)
	}
	out := make([]*model.LifecycleOccurrence, len(occs))
	for i := range occs {
		out[i] = occurrenceOf(&occs[i])
	}
	return out, nil
}
