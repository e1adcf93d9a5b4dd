package hrsync_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
	"github.com/peoplegraph/peoplegraph/ent/emailalias"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestUpstreamChangesArriveWithEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 80, Seed: 11})
		e.sync(t)
		today := civil.Today(e.sim.Now(), time.UTC)
		// Each step changes someone not touched before: the simulator
		// supersedes a role changed the same day in its own way.
		used := map[string]bool{}
		active := func(p *ent.Person) bool {
			return p.Status == person.StatusACTIVE && p.ManagerID != nil && !used[p.ID]
		}
		pick := func(t *testing.T, db *store.DB, ok func(p *ent.Person) bool) *ent.Person {
			t.Helper()
			p := pick(t, db, ok)
			used[p.ID] = true
			return p
		}

		t.Run("a hire is added with its manager", func(t *testing.T) {
			mgr := pick(t, db, active)
			id, err := e.sim.Hire(humaanssim.NewPerson{
				FirstName: "Ada", LastName: "Hire", Email: "Ada.Hire@Example.com",
				JobTitle: "Engineer", Department: "Engineering", ManagerID: mgr.ID,
				StartDate: today,
			})
			require.NoError(t, err)
			run := e.sync(t)
			require.Equal(t, 1, run.Added)
			require.Equal(t, []event.Type{event.TypePERSON_ADDED}, eventTypes(eventsOf(t, db, run), id))
			p := personByID(t, db, id)
			require.Equal(t, "ada.hire@example.com", *p.WorkEmail)
			require.Equal(t, mgr.ID, *p.ManagerID)
			require.Equal(t, "Engineer", *p.JobTitle)
		})

		t.Run("a title change updates the person", func(t *testing.T) {
			p := pick(t, db, active)
			require.NoError(t, e.sim.ChangeRole(p.ID, "Principal Wizard", "", "", today))
			run := e.sync(t)
			require.Equal(t, 1, run.Updated)
			evs := eventsOf(t, db, run)
			require.Len(t, evs, 1)
			require.Equal(t, event.TypePERSON_UPDATED, evs[0].Type)
			require.Equal(t, []string{"jobTitle"}, evs[0].ChangedFields)
			require.Equal(t, "Principal Wizard", *personByID(t, db, p.ID).JobTitle)
		})

		t.Run("a manager change has its own event", func(t *testing.T) {
			p := pick(t, db, active)
			newMgr := pick(t, db, func(q *ent.Person) bool {
				return active(q) && q.ID != p.ID && q.ID != *p.ManagerID &&
					(q.ManagerID == nil || *q.ManagerID != p.ID)
			})
			require.NoError(t, e.sim.ChangeRole(p.ID, "", "", newMgr.ID, today))
			run := e.sync(t)
			evs := eventsOf(t, db, run)
			require.Equal(t, []event.Type{event.TypeMANAGER_CHANGED}, eventTypes(evs, p.ID))
			var payload struct{ From, To *string }
			require.NoError(t, json.Unmarshal(evs[0].Payload, &payload))
			require.Equal(t, *p.ManagerID, *payload.From)
			require.Equal(t, newMgr.ID, *payload.To)
			require.Equal(t, newMgr.ID, *personByID(t, db, p.ID).ManagerID)
		})

		t.Run("an email change keeps the old address as an alias", func(t *testing.T) {
			p := pick(t, db, active)
			require.NoError(t, e.sim.ChangeEmail(p.ID, "renamed@example.com"))
			run := e.sync(t)
			evs := eventsOf(t, db, run)
			require.Len(t, evs, 1)
			require.Equal(t, []string{"workEmail"}, evs[0].ChangedFields)
			require.Equal(t, "renamed@example.com", *personByID(t, db, p.ID).WorkEmail)
			alias, err := db.Client.EmailAlias.Query().
				Where(emailalias.Email(*p.WorkEmail)).Only(ctx)
			require.NoError(t, err)
			require.Equal(t, p.ID, alias.PersonID)
		})

		t.Run("an edited custom value of a selected field arrives", func(t *testing.T) {
			fields, err := e.client.CustomFields(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, fields)
			field := fields[0]
			require.NoError(t, e.engine.SelectCustomFields(ctx, []string{field.Name}))
			e.sync(t) // brings the selected field's existing values
			p := pick(t, db, active)
			require.NoError(t, e.sim.SetCustomValue(p.ID, field.Name, "edited value"))
			run := e.sync(t)
			evs := eventsOf(t, db, run)
			require.Len(t, evs, 1)
			require.Equal(t, []string{"customFields." + field.Name}, evs[0].ChangedFields)
			v, err := db.Client.CustomFieldValue.Query().Where(
				customfieldvalue.PersonID(p.ID), customfieldvalue.DefinitionID(field.ID)).Only(ctx)
			require.NoError(t, err)
			require.Equal(t, "edited value", v.Value)
		})

		t.Run("an offboarded person departs and stays stored", func(t *testing.T) {
			p := pick(t, db, active)
			require.NoError(t, e.sim.Offboard(p.ID, today.AddDays(-1)))
			run := e.sync(t)
			require.Equal(t, 1, run.Departed)
			require.Equal(t, []event.Type{event.TypePERSON_DEPARTED},
				eventTypes(eventsOf(t, db, run), p.ID))
			got := personByID(t, db, p.ID)
			require.NotNil(t, got.DepartedAt)
			require.Equal(t, person.StatusOFFBOARDED, got.Status)
		})

		t.Run("a deleted person departs", func(t *testing.T) {
			p := pick(t, db, active)
			require.NoError(t, e.sim.Delete(p.ID))
			run := e.sync(t)
			require.Equal(t, 1, run.Departed)
			evs := eventsOf(t, db, run)
			require.Contains(t, eventTypes(evs, p.ID), event.TypePERSON_DEPARTED)
			require.NotNil(t, personByID(t, db, p.ID).DepartedAt)
		})

		t.Run("a departed person who returns is restored", func(t *testing.T) {
			p := pick(t, db, active)
			require.NoError(t, e.sim.UpdatePerson(p.ID, map[string]any{"status": "offboarded"}))
			e.sync(t)
			require.NotNil(t, personByID(t, db, p.ID).DepartedAt)
			require.NoError(t, e.sim.UpdatePerson(p.ID, map[string]any{"status": "active"}))
			run := e.sync(t)
			require.Equal(t, []event.Type{event.TypePERSON_RESTORED},
				eventTypes(eventsOf(t, db, run), p.ID))
			got := personByID(t, db, p.ID)
			require.Nil(t, got.DepartedAt)
			require.Equal(t, person.StatusACTIVE, got.Status)
		})

		require.Equal(t, eligible(e.sim.People()), current(t, db))
	})
}

func TestCustomFieldSelection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 60, Seed: 4})
		e.sync(t)
		require.Zero(t, e.sim.Requests("custom-values"),
			"with no field selected the values are not read")

		err := e.engine.SelectCustomFields(ctx, []string{"No Such Field"})
		require.ErrorIs(t, err, hrsync.ErrUnknownCustomField)
		require.Contains(t, err.Error(), "No Such Field")

		defs, err := db.Client.CustomFieldDefinition.Query().All(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, defs, "the whole catalogue is stored")
		for _, d := range defs {
			require.False(t, d.Selected)
		}
		n, err := db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "nothing syncs before a field is selected")

		all := make([]string, len(defs))
		for i, d := range defs {
			all[i] = d.ID
		}
		require.NoError(t, e.engine.SelectCustomFields(ctx, all))
		e.sync(t)
		require.Positive(t, e.sim.Requests("custom-values"))
		withValues, err := db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Positive(t, withValues)
		lists, err := db.Client.CustomFieldValue.Query().Where(customfieldvalue.IsList(true)).All(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, lists, "list values keep their items")
		require.NotEmpty(t, lists[0].Items)

		require.NoError(t, e.engine.SelectCustomFields(ctx, nil))
		n, err = db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		read := e.sim.Requests("custom-values")
		counted, writes := countingDB(db)
		engine := hrsync.New(counted, e.client, hrsync.WithClock(e.clock))
		run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
		require.NoError(t, err)
		require.Equal(t, syncrun.StatusSUCCEEDED, run.Status)
		require.Empty(t, eventsOf(t, db, run), "deselecting is not a person change")
		require.Zero(t, run.Updated)
		require.Equal(t, map[string]int{"persons": 1}, writes.except("sync_runs"),
			"the digests the deselection made stale are stored in one statement")

		// The next sync finds everyone unchanged and writes only its run.
		again, err := engine.Run(ctx, syncrun.TriggerMANUAL)
		require.NoError(t, err)
		require.Equal(t, syncrun.StatusSUCCEEDED, again.Status)
		require.Equal(t, map[string]int{"persons": 1, "sync_runs": 4}, writes.except())
		require.Equal(t, read, e.sim.Requests("custom-values"),
			"once deselected, the values are not read again")
	})
}

// selectingSource selects every custom field in the database while the
// first snapshot is read, as an operator on another replica might.
type selectingSource struct {
	t     *testing.T
	db    *store.DB
	inner hrsync.Source
	calls []int
}

func (s *selectingSource) Snapshot(ctx context.Context, opts ...humaans.SnapshotOption) (*humaans.Snapshot, error) {
	s.calls = append(s.calls, len(opts))
	if len(s.calls) == 1 {
		require.NoError(s.t, s.db.Client.CustomFieldDefinition.Update().SetSelected(true).Exec(ctx))
	}
	return s.inner.Snapshot(ctx, opts...)
}

func TestFieldSelectedDuringASyncTakesEffectAtTheNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 40, Seed: 6})
		e.sync(t) // stores the catalogue, nothing selected

		src := &selectingSource{t: t, db: db, inner: e.client}
		engine := hrsync.New(db, src, hrsync.WithClock(e.clock))
		run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
		require.NoError(t, err)
		require.Equal(t, syncrun.StatusSUCCEEDED, run.Status)
		require.Zero(t, run.Updated, "this run planned with the selection it started with")
		n, err := db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n)

		next, err := engine.Run(ctx, syncrun.TriggerMANUAL)
		require.NoError(t, err)
		require.Equal(t, []int{1, 0}, src.calls, "the next run reads the values")
		require.Positive(t, next.Updated, "people with values of the newly selected fields")
		n, err = db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Positive(t, n)

		again := e.sync(t)
		require.Zero(t, again.Updated, "every value arrived with that run")
		require.Empty(t, eventsOf(t, db, again))
	})
}
