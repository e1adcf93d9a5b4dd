package humaans_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

func TestVerify(t *testing.T) {
	t.Run("a valid key reports its scopes and owner", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		info, err := env.client.Verify(context.Background())
		require.NoError(t, err)
		require.True(t, info.HasScope("public:read"))
		require.True(t, info.HasScope("private:read"))

		me, err := env.client.Me(context.Background())
		require.NoError(t, err)
		require.Equal(t, me.ID, info.PersonID)
		require.Equal(t, 2, env.sim.Requests("me"))
		require.Equal(t, 1, env.sim.Requests("token-info"))
	})

	t.Run("a revoked key is ErrInvalidCredentials with the operator message",
		func(t *testing.T) {
			env := newTestEnv(t, smallCompany)
			env.sim.RevokeToken(env.sim.Token())

			info, err := env.client.Verify(context.Background())
			require.Nil(t, info)
			require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
			apiErr := requireAPIError(t, err)
			require.Equal(t, humaans.InvalidCredentialsMessage, apiErr.Message)
			require.Equal(t, 401, apiErr.StatusCode)
			require.Equal(t, "The API key was revoked or the admin who created it has been "+
				"deactivated", apiErr.Message)
			require.Contains(t, err.Error(), "humaans: GET /me: status 401")
			require.Equal(t, 1, env.sim.Requests("me"), "credentials errors are not retried")
		})

	t.Run("an unknown key is ErrInvalidCredentials", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		c := newTestClient(t, env.url, "some-other-token-entirely", env.logs)
		_, err := c.Verify(context.Background())
		require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
		require.Equal(t, humaans.InvalidCredentialsMessage, requireAPIError(t, err).Message)
	})

	t.Run("a tenant without /token-info still verifies", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 10, NoTokenInfo: true})
		info, err := env.client.Verify(context.Background())
		require.NoError(t, err)
		me, err := env.client.Me(context.Background())
		require.NoError(t, err)
		require.Equal(t, me.ID, info.PersonID)
		require.Nil(t, info.Scopes, "scopes are unknown")
	})

	t.Run("a public:read key reports only that scope", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.AddToken("public-only-token-123", "public:read")
		c := newTestClient(t, env.url, "public-only-token-123", env.logs)
		info, err := c.Verify(context.Background())
		require.NoError(t, err)
		require.Equal(t, []string{"public:read"}, info.Scopes)
	})
}

func TestRevokedMidFetch(t *testing.T) {
	t.Run("a key revoked between pages is ErrInvalidCredentials", func(t *testing.T) {
		var (
			once sync.Once
			sim  *humaanssim.Simulator
		)
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3},
			humaans.WithProgress(func(humaans.Progress) {
				once.Do(func() { sim.RevokeToken(sim.Token()) })
			}))
		sim = env.sim

		roles, err := env.client.JobRoles(context.Background())
		require.Nil(t, roles)
		require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
		require.Contains(t, err.Error(), "humaans: GET /job-roles page ")
	})

	t.Run("a revoke-token fault after the first page fails the snapshot", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultRevokeToken, After: 1, Times: 1,
		})

		snap, err := env.client.Snapshot(context.Background())
		require.Nil(t, snap)
		require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
	})
}

func TestPublicReadToken(t *testing.T) {
	env := newTestEnv(t, humaanssim.Options{People: 400, Seed: 4})
	env.sim.AddToken("public-read-token-xyz", "public:read")
	c := newTestClient(t, env.url, "public-read-token-xyz", env.logs)
	require.NotZero(t, countStatuses(env.sim)[humaans.StatusNewHire], "the company has pre-hires")

	people, err := c.People(context.Background())
	require.NoError(t, err)
	for _, p := range people {
		require.NotEqual(t, humaans.StatusNewHire, p.Status, "pre-hire %s is visible", p.ID)
		require.True(t, p.Birthday.IsZero(), "birthday of %s is private", p.ID)
		require.Empty(t, p.PersonalEmail, "personal email of %s is private", p.ID)
	}
	require.Equal(t, simPeopleIDs(env.sim, func(p humaans.Person) bool {
		return p.Status != humaans.StatusNewHire
	}), ids(people, personIDOf))

	snap, err := c.Snapshot(context.Background())
	require.NoError(t, err)
	require.True(t, snap.Complete)
	require.NotNil(t, snap.Token)
	require.False(t, snap.Token.HasScope("private:read"),
		"the sync can tell that absent people are not necessarily gone")
}
