package hrsync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestSyncMirrorsEligiblePeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, humaanssim.Options{People: 120, Seed: 3})
		run := e.sync(t)
		want := eligible(e.sim.People())
		require.Equal(t, want, current(t, db))
		require.Equal(t, len(want), run.Added)
		require.Zero(t, run.Departed)

		ctx := context.Background()
		n, err := db.Client.Person.Query().Where(person.StatusEQ(person.StatusPRE_HIRE)).Count(ctx)
		require.NoError(t, err)
		require.Positive(t, n, "pre-hires are part of the directory")
	})
}
