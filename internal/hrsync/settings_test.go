package hrsync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestIncludeOffboardedStoresLeaversAsDeparted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, humaanssim.Options{People: 100, Seed: 1},
			hrsync.WithIncludeOffboarded(true))
		run := e.sync(t)
		var leavers []string
		for _, p := range e.sim.People() {
			if p.Status == humaans.StatusOffboarded {
				leavers = append(leavers, p.ID)
			}
		}
		require.NotEmpty(t, leavers)
		stored, err := db.Client.Person.Query().Where(person.IDIn(leavers...)).All(ctx)
		require.NoError(t, err)
		require.Len(t, stored, len(leavers))
		for _, p := range stored {
			require.Equal(t, person.StatusOFFBOARDED, p.Status)
			require.NotNil(t, p.DepartedAt)
		}
		require.Equal(t, eligible(e.sim.People()), current(t, db), "leavers are not current")
		require.Len(t, eventsOf(t, db, run), len(eligible(e.sim.People())),
			"importing a leaver is not a directory change")
		require.Empty(t, eventsOf(t, db, e.sync(t)))
	})
}

func TestWithoutIncludeOffboardedLeaversAreNotImported(t *testing.T) {
	db := storetest.Open(t)
	e := newEnv(t, db, humaanssim.Options{People: 100, Seed: 1})
	e.sync(t)
	n, err := db.Client.Person.Query().Count(context.Background())
	require.NoError(t, err)
	require.Equal(t, len(eligible(e.sim.People())), n)
}

func TestTwoPeopleSwappingEmailsInOneSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, humaanssim.Options{People: 40, Seed: 3})
		e.sync(t)
		a := pick(t, db, func(p *ent.Person) bool { return p.Status == person.StatusACTIVE })
		b := pick(t, db, func(p *ent.Person) bool {
			return p.Status == person.StatusACTIVE && p.ID != a.ID
		})
		require.NoError(t, e.sim.ChangeEmail(a.ID, *b.WorkEmail))
		require.NoError(t, e.sim.ChangeEmail(b.ID, *a.WorkEmail))
		run := e.sync(t)
		require.Equal(t, 2, run.Updated)
		got := current(t, db)
		require.Equal(t, *b.WorkEmail, got[a.ID])
		require.Equal(t, *a.WorkEmail, got[b.ID])
	})
}
