package hrsync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

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

// deleteUpstream hard-deletes n people of the directory who still exist in
// the simulator.
func deleteUpstream(t *testing.T, e *env, n int) []string {
	t.Helper()
	upstream := eligible(e.sim.People())
	people, err := e.db.Client.Person.Query().Where(person.DepartedAtIsNil()).
		Order(ent.Asc(person.FieldID)).All(context.Background())
	require.NoError(t, err)
	var ids []string
	for _, p := range people {
		if _, ok := upstream[p.ID]; !ok || len(ids) == n {
			continue
		}
		require.NoError(t, e.sim.Delete(p.ID))
		ids = append(ids, p.ID)
	}
	require.Len(t, ids, n)
	return ids
}

func TestBrakeHoldsASyncDepartingTooMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 60, Seed: 2})
		e.sync(t)
		before := dumpDirectory(t, db)
		gone := deleteUpstream(t, e, 10)

		held, err := e.engine.Run(ctx, syncrun.TriggerSCHEDULE)
		require.NoError(t, err, "a held run is not a failure")
		require.Equal(t, syncrun.StatusHELD, held.Status)
		require.NotNil(t, held.HeldReason)
		require.Contains(t, *held.HeldReason, "would depart 10 of")
		require.Equal(t, 10, held.Departed, "the held run shows what it would do")
		require.Equal(t, before, dumpDirectory(t, db), "nothing applied")

		t.Run("discard leaves the directory alone", func(t *testing.T) {
			run, err := e.engine.Discard(ctx, held.ID)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusDISCARDED, run.Status)
			require.Equal(t, before, dumpDirectory(t, db))
			_, err = e.engine.Discard(ctx, held.ID)
			require.ErrorIs(t, err, hrsync.ErrRunNotHeld)
		})

		t.Run("approve applies the held departures", func(t *testing.T) {
			again, err := e.engine.Run(ctx, syncrun.TriggerSCHEDULE)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusHELD, again.Status)
			run, err := e.engine.Approve(ctx, again.ID)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusAPPROVED, run.Status)
			require.Equal(t, 10, run.Departed)
			require.Equal(t, again.HeldReason, run.HeldReason, "what was approved stays on record")
			departed, err := db.Client.Event.Query().Where(
				event.SyncRunID(run.ID), event.TypeEQ(event.TypePERSON_DEPARTED)).Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 10, departed)
			for _, id := range gone {
				require.NotNil(t, personByID(t, db, id).DepartedAt, "kept, marked departed")
			}
			require.Equal(t, eligible(e.sim.People()), current(t, db))
			_, err = e.engine.Approve(ctx, run.ID)
			require.ErrorIs(t, err, hrsync.ErrRunNotHeld)
		})

		t.Run("approval refuses a change that grew", func(t *testing.T) {
			deleteUpstream(t, e, 6)
			held, err := e.engine.Run(ctx, syncrun.TriggerSCHEDULE)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusHELD, held.Status)
			deleteUpstream(t, e, 1)
			run, err := e.engine.Approve(ctx, held.ID)
			var heldErr *hrsync.HeldError
			require.True(t, errors.As(err, &heldErr), "got %v", err)
			require.ErrorIs(t, err, hrsync.ErrBrakeExceeded)
			require.Equal(t, syncrun.StatusHELD, run.Status)
			require.Equal(t, 7, run.Departed)
		})

		_, err = e.engine.Approve(ctx, 1_000_000)
		require.ErrorIs(t, err, hrsync.ErrRunNotFound)
	})
}

func TestBrakeAllowsDeparturesWithinTheLimit(t *testing.T) {
	db := storetest.Open(t)
	e := newEnv(t, db, humaanssim.Options{People: 60, Seed: 2}, hrsync.WithDepartureLimit(0.5))
	e.sync(t)
	deleteUpstream(t, e, 10)
	run := e.sync(t)
	require.Equal(t, 10, run.Departed)
}

// writeFixture stores a simulator fixture in Humaans' wire format.
func writeFixture(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "company.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestEmptyUpstreamIsHeld(t *testing.T) {
	db := storetest.Open(t)
	e := newEnv(t, db, humaanssim.Options{Fixture: writeFixture(t, `{"people": []}`)})
	run, err := e.engine.Run(context.Background(), syncrun.TriggerSTARTUP)
	require.NoError(t, err)
	require.Equal(t, syncrun.StatusHELD, run.Status)
	require.Contains(t, *run.HeldReason, "no people")
}
