package humaans_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// simGet fetches a route from the simulator directly and returns the body.
func simGet(t *testing.T, env *testEnv, routeAndQuery string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.url+"/"+routeAndQuery, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+env.sim.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return body
}

// simTotal asks the simulator directly how many rows a listing has.
func simTotal(t *testing.T, env *testEnv, route string) int {
	t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	require.NoError(t, json.Unmarshal(simGet(t, env, route+"?$limit=1"), &page))
	return page.Total
}

func TestSnapshot(t *testing.T) {
	t.Run("every list is read to its total", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3},
			humaans.WithConcurrency(2))

		snap, err := env.client.Snapshot(context.Background())
		require.NoError(t, err)
		require.True(t, snap.Complete)
		require.Equal(t, simPeopleIDs(env.sim, nil), ids(snap.People, personIDOf))
		require.Len(t, snap.JobRoles, simTotal(t, env, "job-roles"))
		require.Len(t, snap.Locations, simTotal(t, env, "locations"))
		require.Len(t, snap.Companies, simTotal(t, env, "companies"))
		require.Len(t, snap.CustomFields, simTotal(t, env, "custom-fields"))
		require.Len(t, snap.CustomValues, simTotal(t, env, "custom-values"))
		require.NotNil(t, snap.Token)
		require.True(t, snap.Token.HasScope("private:read"))
	})

	t.Run("a tenant without /token-info gives a nil Token", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 20, NoTokenInfo: true})
		snap, err := env.client.Snapshot(context.Background())
		require.NoError(t, err)
		require.True(t, snap.Complete)
		require.Nil(t, snap.Token)
		require.Len(t, snap.People, 20)
	})

	t.Run("without custom values, /custom-values is never asked", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		env.sim.InjectFault(humaanssim.Fault{
			Route: "custom-values", Kind: humaanssim.FaultServerError,
		})
		snap, err := env.client.Snapshot(context.Background(), humaans.WithoutCustomValues())
		require.NoError(t, err)
		require.True(t, snap.Complete)
		require.Nil(t, snap.CustomValues)
		require.Len(t, snap.CustomFields, simTotal(t, env, "custom-fields"))
		require.Equal(t, simPeopleIDs(env.sim, nil), ids(snap.People, personIDOf))
		require.Zero(t, env.sim.Requests("custom-values"))
	})

	t.Run("one failing list fails the snapshot", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3},
			humaans.WithMaxAttempts(2))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "custom-values", Kind: humaanssim.FaultServerError,
		})

		snap, err := env.client.Snapshot(context.Background())
		require.Nil(t, snap)
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		require.Contains(t, err.Error(), "GET /custom-values page 1")
		require.Equal(t, 2, env.sim.Requests("custom-values"))
	})
}

func TestLenientDecoding(t *testing.T) {
	env := newTestEnv(t, humaanssim.Options{People: 200, Seed: 8, FullProfiles: true})
	ctx := context.Background()
	people := env.sim.People()

	t.Run("fields the client does not know are ignored", func(t *testing.T) {
		var page struct {
			Data []map[string]json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal(simGet(t, env, "people?$limit=250"), &page))
		require.NotEmpty(t, page.Data)
		require.Contains(t, page.Data[0], "workingDays", "the wire carries extra fields")
		require.Contains(t, page.Data[0], "profilePhoto", "the wire carries extra fields")

		got, err := env.client.People(ctx)
		require.NoError(t, err)
		require.Len(t, got, len(people))
	})
	require.NoError(t, env.sim.SetCustomValue(people[0].ID, "Cost Center",
		[]string{"R&D", "Platform"}))
	require.NoError(t, env.sim.SetCustomValue(people[1].ID, "Cost Center", "Sales"))

	fields, err := env.client.CustomFields(ctx)
	require.NoError(t, err)
	fieldID := ""
	for _, f := range fields {
		if f.Name == "Cost Center" {
			fieldID = f.ID
		}
	}
	require.NotEmpty(t, fieldID, "the Cost Center field exists")

	values, err := env.client.CustomValues(ctx)
	require.NoError(t, err)
	lists, scalars := 0, 0
	got := map[string]humaans.Value{}
	for _, v := range values {
		if v.Value.List {
			lists++
		} else {
			scalars++
		}
		if v.CustomFieldID == fieldID {
			got[v.PersonID] = v.Value
		}
	}
	require.NotZero(t, lists, "some generated values are lists")
	require.NotZero(t, scalars, "some generated values are strings")
	require.Equal(t, humaans.Value{Items: []string{"R&D", "Platform"}, List: true},
		got[people[0].ID])
	require.Equal(t, humaans.Value{Items: []string{"Sales"}}, got[people[1].ID])
}
