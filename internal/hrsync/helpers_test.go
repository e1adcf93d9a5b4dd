package hrsync_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// env is a simulator, a client over real HTTP and an engine on a database.
type env struct {
	sim    *humaanssim.Simulator
	client *humaans.Client
	db     *store.DB
	engine *hrsync.Engine
	clock  *clockwork.FakeClock
}

func newEnv(t *testing.T, db *store.DB, opts humaanssim.Options, engineOpts ...hrsync.Option) *env {
	t.Helper()
	sim, url := humaanssim.Start(t, opts)
	client := newClient(t, url, sim.Token())
	clock := clockwork.NewFakeClockAt(sim.Now())
	engineOpts = append([]hrsync.Option{hrsync.WithClock(clock)}, engineOpts...)
	return &env{
		sim: sim, client: client, db: db, clock: clock,
		engine: hrsync.New(db, client, engineOpts...),
	}
}

func newClient(t testing.TB, url, token string) *humaans.Client {
	t.Helper()
	c, err := humaans.New(url, token,
		humaans.WithRateLimit(math.Inf(1), 1),
		humaans.WithMaxAttempts(2),
		humaans.WithBackoff(time.Millisecond, 5*time.Millisecond),
		humaans.WithRequestTimeout(10*time.Second),
	)
	require.NoError(t, err)
	return c
}

// sync runs one sync and requires it to succeed.
func (e *env) sync(t *testing.T) *ent.SyncRun {
	t.Helper()
	run, err := e.engine.Run(context.Background(), syncrun.TriggerMANUAL)
	require.NoError(t, err)
	require.Equal(t, syncrun.StatusSUCCEEDED, run.Status, "held: %v", run.HeldReason)
	return run
}

// eligible computes, from the simulator's own records, the directory a sync
// must produce: id -> lower-cased work email of active and pre-hire people
// with a work email.
func eligible(people []humaans.Person) map[string]string {
	out := make(map[string]string)
	for _, p := range people {
		email := strings.ToLower(strings.TrimSpace(p.Email))
		if email == "" {
			continue
		}
		if p.Status == humaans.StatusActive || p.Status == humaans.StatusNewHire {
			out[p.ID] = email
		}
	}
	return out
}

// current reads the stored directory: id -> work email of people not
// departed.
func current(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	people, err := db.Client.Person.Query().Where(person.DepartedAtIsNil()).All(context.Background())
	require.NoError(t, err)
	out := make(map[string]string, len(people))
	for _, p := range people {
		require.NotNil(t, p.WorkEmail, "current person %s has no email", p.ID)
		out[p.ID] = *p.WorkEmail
	}
	return out
}

// eventsOf returns the events a run wrote, oldest first.
func eventsOf(t *testing.T, db *store.DB, run *ent.SyncRun) []*ent.Event {
	t.Helper()
	evs, err := db.Client.Event.Query().Where(event.SyncRunID(run.ID)).
		Order(ent.Asc(event.FieldID)).All(context.Background())
	require.NoError(t, err)
	return evs
}

func personByID(t *testing.T, db *store.DB, id string) *ent.Person {
	t.Helper()
	p, err := db.Client.Person.Get(context.Background(), id)
	require.NoError(t, err)
	return p
}

// pick returns the id of a current person matching ok, in id order.
func pick(t *testing.T, db *store.DB, ok func(p *ent.Person) bool) *ent.Person {
	t.Helper()
	people, err := db.Client.Person.Query().Where(person.DepartedAtIsNil()).
		Order(ent.Asc(person.FieldID)).All(context.Background())
	require.NoError(t, err)
	for _, p := range people {
		if ok(p) {
			return p
		}
	}
	t.Fatal("no person matches")
	return nil
}
