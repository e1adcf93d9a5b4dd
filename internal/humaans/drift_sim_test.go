package humaans_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

func TestRecordsShiftingBetweenPages(t *testing.T) {
	active := func(p humaans.Person) bool { return p.Status == humaans.StatusActive }

	t.Run("records inserted mid-listing cause a full re-read", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		before := len(simPeopleIDs(env.sim, active))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: 3, Times: 1,
		})

		people, err := env.client.People(context.Background(), humaans.StatusActive)
		require.NoError(t, err)
		after := simPeopleIDs(env.sim, active)
		require.Len(t, after, before+3, "the fault inserted active people")
		require.Equal(t, after, ids(people, personIDOf))
		require.Greater(t, env.sim.Requests("people"), pagesFor(len(after)))
		require.Contains(t, env.logs.String(), "listing changed while paging")
	})

	t.Run("records deleted mid-listing cause a full re-read", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: -2, Times: 1,
		})

		people, err := env.client.People(context.Background(), humaans.StatusActive)
		require.NoError(t, err)
		require.Equal(t, simPeopleIDs(env.sim, active), ids(people, personIDOf))
	})

	t.Run("a listing that keeps shifting is ErrBadResponse, never a partial list",
		func(t *testing.T) {
			env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
			env.sim.InjectFault(humaanssim.Fault{
				Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: 1,
			})

			people, err := env.client.People(context.Background(), humaans.StatusActive)
			require.ErrorIs(t, err, humaans.ErrBadResponse)
			require.Nil(t, people)
			require.Contains(t, err.Error(), "humaans: GET /people?status=active: ")
			require.Contains(t, err.Error(), "listing changed while paging")
			require.Contains(t, err.Error(), "read 3 times")
		})

	t.Run("Snapshot fails rather than returning a drifting listing", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: 2,
		})

		snap, err := env.client.Snapshot(context.Background())
		require.ErrorIs(t, err, humaans.ErrBadResponse)
		require.Nil(t, snap)
	})
}

func TestSequentialPaging(t *testing.T) {
	active := func(p humaans.Person) bool { return p.Status == humaans.StatusActive }

	t.Run("one request at a time pages by skip plus rows read", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3}, humaans.WithConcurrency(1))
		people, err := env.client.People(context.Background())
		require.NoError(t, err)
		require.Equal(t, simPeopleIDs(env.sim, nil), ids(people, personIDOf))
	})

	t.Run("drift is detected when paging sequentially", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3}, humaans.WithConcurrency(1))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: 2, Times: 1,
		})
		people, err := env.client.People(context.Background(), humaans.StatusActive)
		require.NoError(t, err)
		require.Equal(t, simPeopleIDs(env.sim, active), ids(people, personIDOf))
		require.Contains(t, env.logs.String(), "listing changed while paging")
	})

	t.Run("persistent drift fails when paging sequentially", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3}, humaans.WithConcurrency(1))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultShiftRecords, Shift: -1,
		})
		_, err := env.client.People(context.Background(), humaans.StatusActive)
		require.ErrorIs(t, err, humaans.ErrBadResponse)
		require.Contains(t, err.Error(), "listing changed while paging")
	})
}
