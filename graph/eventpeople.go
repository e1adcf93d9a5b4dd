package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
)

// eventPeopleSize bounds how many events' person rows eventPeople keeps.
const eventPeopleSize = 4096

// eventPeopleTTL is how long a row read for an event serves the other
// subscribers of that event. Subscribers receive a live event within
// moments of each other; a replay long after reads the row afresh.
const eventPeopleTTL = 5 * time.Second

// eventPeopleTimeout bounds one read of event rows.
const eventPeopleTimeout = 30 * time.Second

// eventPeople reads the person rows of streamed events once for every
// subscriber: the first stream to reach a batch of events reads the rows
// of those not read yet in one query, and the streams that reach the same
// events meanwhile or shortly after share the result. Rows are shared and
// must not be modified.
type eventPeople struct {
	client *ent.Client
	clock  clockwork.Clock

	mu      sync.Mutex
	entries boundedMap[int, *eventPerson] // by event id
}

// eventPerson is the row read for one event; done closes once row and err
// are set.
type eventPerson struct {
	fillOnce
	personID string
	row      *ent.Person
	err      error
}

func newEventPeople(client *ent.Client, clock clockwork.Clock) *eventPeople {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &eventPeople{client: client, clock: clock,
		entries: newBoundedMap[int, *eventPerson](eventPeopleSize)}
}

// rows returns the person row of each event of evs, in order, in out's
// storage: nil for an event without a person, or whose person has no row
// (never synced).
func (c *eventPeople) rows(ctx context.Context, evs []*ent.Event,
	out []*ent.Person) ([]*ent.Person, error) {
	all, mine := c.claim(evs)
	if len(mine) > 0 {
		c.fill(ctx, mine)
	}
	out = slices.Grow(out[:0], len(evs))[:len(evs)]
	for i, e := range all {
		out[i] = nil
		if e == nil {
			continue
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if e.err != nil {
			return nil, e.err
		}
		out[i] = e.row
	}
	return out, nil
}

// claim returns the entry of each event of evs (nil for one without a
// person), creating those that are missing or stale; the created ones
// (mine) are the caller's to fill.
func (c *eventPeople) claim(evs []*ent.Event) (all, mine []*eventPerson) {
	now := c.clock.Now()
	all = make([]*eventPerson, len(evs))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ev := range evs {
		if ev.PersonID == nil {
			continue
		}
		e := c.entries.get(ev.ID)
		if e == nil || e.expired(now, eventPeopleTTL, func() bool { return e.err != nil }) {
			e = &eventPerson{fillOnce: newFillOnce(now), personID: *ev.PersonID}
			c.entries.set(ev.ID, e)
			mine = append(mine, e)
		}
		all[i] = e
	}
	return all, mine
}

// fill reads the rows of the claimed entries in one query and releases
// their waiters. A failed read is not kept: the next stream reads again.
func (c *eventPeople) fill(ctx context.Context, mine []*eventPerson) {
	ids := make([]string, len(mine))
	for i, e := range mine {
		ids[i] = e.personID
	}
	// Other streams wait for this read: it must not end with this stream.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventPeopleTimeout)
	defer cancel()
	rows, err := c.client.Person.Query().Where(person.IDIn(ids...)).All(ctx)
	if err != nil {
		err = fmt.Errorf("load the people of events: %w", err)
	}
	byID := make(map[string]*ent.Person, len(rows))
	for _, p := range rows {
		byID[p.ID] = p
	}
	for _, e := range mine {
		e.row, e.err = byID[e.personID], err
		close(e.done)
	}
}
