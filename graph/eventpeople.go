package graph

import (
	"context"
	"fmt"
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
	entries map[int]*eventPerson
	order   []int // event ids in insertion order, for eviction
}

// eventPerson is the row read for one event; done closes once row and err
// are set.
type eventPerson struct {
	done chan struct{}
	row  *ent.Person
	err  error
	at   time.Time
}

func newEventPeople(client *ent.Client, clock clockwork.Clock) *eventPeople {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &eventPeople{client: client, clock: clock, entries: make(map[int]*eventPerson)}
}

// rows returns the person row of each event that has a person, by event id.
// A person without a row (never synced) is missing from the map.
func (c *eventPeople) rows(ctx context.Context, evs []*ent.Event) (map[int]*ent.Person, error) {
	mine, all := c.claim(evs)
	if len(mine) > 0 {
		c.fill(ctx, evs, mine)
	}
	out := make(map[int]*ent.Person, len(all))
	for id, e := range all {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if e.err != nil {
			return nil, e.err
		}
		if e.row != nil {
			out[id] = e.row
		}
	}
	return out, nil
}

// claim returns the entries of evs, creating those that are missing or
// stale; the created ones (mine) are the caller's to fill.
func (c *eventPeople) claim(evs []*ent.Event) (mine, all map[int]*eventPerson) {
	now := c.clock.Now()
	mine, all = map[int]*eventPerson{}, make(map[int]*eventPerson, len(evs))
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range evs {
		if ev.PersonID == nil {
			continue
		}
		e := c.entries[ev.ID]
		if e == nil || c.stale(e, now) {
			e = &eventPerson{done: make(chan struct{}), at: now}
			if _, replaced := c.entries[ev.ID]; !replaced {
				c.order = append(c.order, ev.ID)
			}
			c.entries[ev.ID] = e
			mine[ev.ID] = e
		}
		all[ev.ID] = e
	}
	for len(c.order) > eventPeopleSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	return mine, all
}

// stale reports whether a filled entry is too old to share. Entries being
// filled are never stale: their readers are waiting for them.
func (c *eventPeople) stale(e *eventPerson, now time.Time) bool {
	select {
	case <-e.done:
		return e.err != nil || now.Sub(e.at) > eventPeopleTTL
	default:
		return false
	}
}

// fill reads the rows of the claimed events in one query and releases
// their waiters. A failed read is not kept: the next stream reads again.
func (c *eventPeople) fill(ctx context.Context, evs []*ent.Event, mine map[int]*eventPerson) {
	ids := make([]string, 0, len(mine))
	for _, ev := range evs {
		if mine[ev.ID] != nil {
			ids = append(ids, *ev.PersonID)
		}
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
	for _, ev := range evs {
		if e := mine[ev.ID]; e != nil {
			e.row, e.err = byID[*ev.PersonID], err
			close(e.done)
		}
	}
}
