package humaans_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

func TestPeoplePaging(t *testing.T) {
	t.Run("601 people are read across page boundaries", func(t *testing.T) {
		last := map[string]humaans.Progress{}
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3},
			humaans.WithProgress(func(p humaans.Progress) { last[p.Resource] = p }))
		counts := countStatuses(env.sim)
		require.Greater(t, counts[humaans.StatusActive], 500, "active people span three pages")

		people, err := env.client.People(context.Background())
		require.NoError(t, err)
		require.Len(t, people, 601)
		require.Equal(t, simPeopleIDs(env.sim, nil), ids(people, personIDOf))

		wantRequests := pagesFor(counts[humaans.StatusActive]) +
			pagesFor(counts[humaans.StatusNewHire]) + pagesFor(counts[humaans.StatusOffboarded])
		require.Equal(t, wantRequests, env.sim.Requests("people"))
		for _, st := range []humaans.Status{
			humaans.StatusActive, humaans.StatusNewHire, humaans.StatusOffboarded,
		} {
			p := last["people?status="+string(st)]
			require.Equal(t, counts[st], p.Total, "status %s", st)
			require.Equal(t, counts[st], p.Fetched, "status %s", st)
		}
	})

	t.Run("decoded people match the simulator's records", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 120, Seed: 5, FullProfiles: true})
		people, err := env.client.People(context.Background())
		require.NoError(t, err)
		byID := map[string]humaans.Person{}
		for _, p := range people {
			byID[p.ID] = p
		}
		for _, want := range env.sim.People() {
			got, ok := byID[want.ID]
			require.True(t, ok, "person %s", want.ID)
			requireSamePerson(t, want, got)
		}
	})

	t.Run("a status filter lists only that status", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 300, Seed: 9})
		people, err := env.client.People(context.Background(), humaans.StatusOffboarded)
		require.NoError(t, err)
		require.NotEmpty(t, people)
		for _, p := range people {
			require.Equal(t, humaans.StatusOffboarded, p.Status)
		}
		require.Equal(t, simPeopleIDs(env.sim, func(p humaans.Person) bool {
			return p.Status == humaans.StatusOffboarded
		}), ids(people, personIDOf))
	})

	t.Run("every status is asked for even when a missing status means active only",
		func(t *testing.T) {
			env := newTestEnv(t, humaanssim.Options{
				People: 200, Seed: 11, DefaultStatusActiveOnly: true,
			})
			people, err := env.client.People(context.Background())
			require.NoError(t, err)
			require.Equal(t, simPeopleIDs(env.sim, nil), ids(people, personIDOf))
		})
}

// requireSamePerson compares the fields peoplegraph uses, with timestamps
// compared as instants.
func requireSamePerson(t *testing.T, want, got humaans.Person) {
	t.Helper()
	require.True(t, want.CreatedAt.Equal(got.CreatedAt), "createdAt of %s", want.ID)
	require.True(t, want.UpdatedAt.Equal(got.UpdatedAt), "updatedAt of %s", want.ID)
	want.CreatedAt, want.UpdatedAt = got.CreatedAt, got.UpdatedAt
	if len(want.Teams) == 0 && len(got.Teams) == 0 {
		want.Teams = got.Teams
	}
	if len(want.DirectReports) == 0 && len(got.DirectReports) == 0 {
		want.DirectReports = got.DirectReports
	}
	require.Equal(t, want, got)
}

func TestOtherListings(t *testing.T) {
	env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
	ctx := context.Background()

	roles, err := env.client.JobRoles(ctx)
	require.NoError(t, err)
	require.Greater(t, len(roles), 601, "some people have a role history")
	require.Equal(t, pagesFor(len(roles)), env.sim.Requests("job-roles"))
	requireUniqueIDs(t, roles, func(r humaans.JobRole) string { return r.ID })
	known := map[string]bool{}
	for _, p := range env.sim.People() {
		known[p.ID] = true
	}
	for _, r := range roles {
		require.True(t, known[r.PersonID], "role %s belongs to a known person", r.ID)
		require.False(t, r.EffectiveDate.IsZero(), "role %s has an effective date", r.ID)
	}

	locations, err := env.client.Locations(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(locations), 4)
	for _, l := range locations {
		require.NotEmpty(t, l.Timezone, "location %s", l.ID)
	}

	companies, err := env.client.Companies(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(companies), 2)

	fields, err := env.client.CustomFields(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, fields)

	values, err := env.client.CustomValues(ctx)
	require.NoError(t, err)
	require.Equal(t, pagesFor(len(values)), env.sim.Requests("custom-values"))
	requireUniqueIDs(t, values, func(v humaans.CustomValue) string { return v.ID })
}

func requireUniqueIDs[T any](t *testing.T, rows []T, id func(T) string) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range rows {
		require.NotEmpty(t, id(r))
		require.False(t, seen[id(r)], "id %s appears twice", id(r))
		seen[id(r)] = true
	}
}
