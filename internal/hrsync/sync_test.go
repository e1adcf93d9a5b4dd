package hrsync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestSyncMirrorsEligiblePeople(t *testing.T) {
	for _, c := range []struct {
		people int
		seed   int64
	}{{40, 1}, {150, 2}, {400, 9}} {
		t.Run(fmt.Sprintf("%d people seed %d", c.people, c.seed), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db, humaanssim.Options{People: c.people, Seed: c.seed})
				run := e.sync(t)
				want := eligible(e.sim.People())
				require.Equal(t, want, current(t, db))
				require.Equal(t, len(want), run.Added)
				require.Zero(t, run.Departed)
				require.Len(t, eventsOf(t, db, run), len(want), "one PERSON_ADDED each")

				ctx := context.Background()
				n, err := db.Client.Person.Query().
					Where(person.StatusEQ(person.StatusPRE_HIRE)).Count(ctx)
				require.NoError(t, err)
				require.Positive(t, n, "pre-hires are part of the directory")
				withManager, err := db.Client.Person.Query().Where(person.HasManager()).Count(ctx)
				require.NoError(t, err)
				require.Greater(t, withManager, len(want)/2, "managers are linked")
			})
		})
	}
}

func TestResyncWithoutUpstreamChangeWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 200, Seed: 5})
		first := e.sync(t)
		eventsBefore, err := db.Client.Event.Query().Count(ctx)
		require.NoError(t, err)
		latest, err := db.Client.Person.Query().Order(ent.Desc(person.FieldUpdatedAt)).First(ctx)
		require.NoError(t, err)

		counted, writes := countingDB(db)
		engine := hrsync.New(counted, e.client, hrsync.WithClock(e.clock))
		e.clock.Advance(time.Hour)
		second, err := engine.Run(ctx, syncrun.TriggerSCHEDULE)
		require.NoError(t, err)
		require.Equal(t, syncrun.StatusSUCCEEDED, second.Status)

		require.Equal(t, map[string]int{"sync_runs": 2}, writes.except(),
			"only the run row is written: created, then finished")
		require.Zero(t, second.Added+second.Updated+second.Departed)
		require.Equal(t, first.Added, second.Unchanged)
		require.Empty(t, eventsOf(t, db, second))
		eventsAfter, err := db.Client.Event.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, eventsBefore, eventsAfter)
		after, err := db.Client.Person.Query().Order(ent.Desc(person.FieldUpdatedAt)).First(ctx)
		require.NoError(t, err)
		require.True(t, latest.UpdatedAt.Equal(after.UpdatedAt))

		// The counter sees the sync's raw statements too: one change shows up.
		p := pick(t, db, func(p *ent.Person) bool { return p.Status == person.StatusACTIVE })
		require.NoError(t, e.sim.UpdatePerson(p.ID, map[string]any{"preferredName": "Zed"}))
		_, err = engine.Run(ctx, syncrun.TriggerSCHEDULE)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"persons": 1, "events": 1},
			writes.except("sync_runs"))
	})
}

// eventTypes lists the types of evs for one person.
func eventTypes(evs []*ent.Event, personID string) []event.Type {
	var out []event.Type
	for _, ev := range evs {
		if ev.PersonID != nil && *ev.PersonID == personID {
			out = append(out, ev.Type)
		}
	}
	return out
}

// TestWriteCounterSeesReusedBulkStatements checks that the counter behind
// the zero-write test sees the bulk writes that run on statements a
// connection keeps prepared: a first sync in batches of 50 counts one
// statement per batch.
func TestWriteCounterSeesReusedBulkStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		counted, writes := countingDB(db)
		e := newEnv(t, counted, humaanssim.Options{People: 200, Seed: 5}, hrsync.WithBatchSize(50))
		run := e.sync(t)
		require.Greater(t, run.Added, 100)
		batches := (run.Added + 49) / 50
		counts := writes.except()
		require.Equal(t, batches, counts["persons"])
		require.Equal(t, batches, counts["events"], "one PERSON_ADDED per person")
	})
}
