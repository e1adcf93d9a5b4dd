package humaanssim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

func TestPeoplePaging(t *testing.T) {
	ts := newTestSim(t, Options{People: 600, Seed: 7})

	t.Run("the first page holds 250 of 600", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people?$limit=250")
		require.Equal(t, 600, env.Total)
		require.Equal(t, 250, env.Limit)
		require.Len(t, env.Data, 250)
	})
	t.Run("the third page holds the last 100", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people?$limit=250&$skip=500")
		require.Equal(t, 500, env.Skip)
		require.Len(t, env.Data, 100)
	})
	t.Run("a limit above 250 is clamped and echoed", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people?$limit=1000")
		require.Equal(t, 250, env.Limit)
		require.Len(t, env.Data, 250)
	})
	t.Run("the default limit is 100", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people")
		require.Equal(t, 100, env.Limit)
		require.Equal(t, 0, env.Skip)
		require.Len(t, env.Data, 100)
	})
	t.Run("a skip past the end gives an empty page with the total", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people?$skip=700")
		require.Equal(t, 600, env.Total)
		require.Empty(t, env.Data)
	})
	t.Run("pages cover every person once in a stable order", func(t *testing.T) {
		seen := map[string]bool{}
		var order []string
		for skip := 0; skip < 600; skip += 250 {
			env := mustList[humaans.Person](t, ts, "people?$limit=250&$skip="+itoa(skip))
			for _, p := range env.Data {
				require.False(t, seen[p.ID], "duplicate %s", p.ID)
				seen[p.ID] = true
				order = append(order, p.ID)
			}
		}
		require.Len(t, seen, 600)
		want := make([]string, 0, 600)
		for _, p := range ts.People() {
			want = append(want, p.ID)
		}
		require.Equal(t, want, order)
	})
	t.Run("pages one and three show every status", func(t *testing.T) {
		a := mustList[humaans.Person](t, ts, "people?$limit=250")
		b := mustList[humaans.Person](t, ts, "people?$limit=250&$skip=500")
		statuses := map[humaans.Status]bool{}
		for _, p := range append(a.Data, b.Data...) {
			statuses[p.Status] = true
		}
		require.True(t, statuses[humaans.StatusActive])
		require.True(t, statuses[humaans.StatusNewHire])
		require.True(t, statuses[humaans.StatusOffboarded])
	})
	t.Run("bad paging parameters are a 400", func(t *testing.T) {
		status, body := ts.get(t, "people?$limit=abc")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		status, body = ts.get(t, "people?$skip=-1")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
}

func TestReadRoutes(t *testing.T) {
	ts := newTestSim(t, Options{People: 120, Seed: 3})

	t.Run("each list route answers an envelope of records", func(t *testing.T) {
		for _, route := range []string{
			"people", "job-roles", "locations", "companies", "custom-fields", "custom-values",
		} {
			env := mustList[map[string]any](t, ts, route)
			require.NotEmpty(t, env.Data, route)
			require.GreaterOrEqual(t, env.Total, len(env.Data), route)
			stampRE := `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`
			for _, rec := range env.Data {
				require.Len(t, rec["id"], 24, route)
				require.Regexp(t, stampRE, rec["createdAt"], route)
				require.Regexp(t, stampRE, rec["updatedAt"], route)
			}
		}
	})
	t.Run("each record is served by id", func(t *testing.T) {
		for _, route := range []string{
			"people", "job-roles", "locations", "companies", "custom-fields", "custom-values",
		} {
			env := mustList[map[string]any](t, ts, route+"?$limit=3")
			for _, rec := range env.Data {
				status, body := ts.get(t, route+"/"+rec["id"].(string))
				require.Equal(t, http.StatusOK, status, route)
				var got map[string]any
				require.NoError(t, json.Unmarshal(body, &got))
				require.Equal(t, rec, got, route)
			}
		}
	})
	t.Run("an unknown id is a 404 NotFound", func(t *testing.T) {
		for _, route := range []string{"people", "job-roles", "locations", "companies",
			"custom-fields", "custom-values"} {
			status, body := ts.get(t, route+"/does-not-exist")
			mustError(t, http.StatusNotFound, "NotFound", status, body)
		}
	})
	t.Run("teams and unknown routes are a 404", func(t *testing.T) {
		for _, path := range []string{"teams", "nothing-here", "people/x/y", ""} {
			status, body := ts.get(t, path)
			mustError(t, http.StatusNotFound, "NotFound", status, body)
		}
	})
	t.Run("writes need private:write and are not served", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, ts.api+"/people", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+ts.Token())
		status, body := do(t, req)
		mustError(t, http.StatusForbidden, "Forbidden", status, body)
		ts.AddToken("writer", ScopePublicRead, ScopePrivateWrite)
		req.Header.Set("Authorization", "Bearer writer")
		status, body = do(t, req)
		mustError(t, http.StatusMethodNotAllowed, "MethodNotAllowed", status, body)
	})
	t.Run("job roles carry reportingTo and the wire dates", func(t *testing.T) {
		env := mustList[map[string]any](t, ts, "job-roles?$limit=5")
		for _, r := range env.Data {
			require.Contains(t, r, "reportingTo")
			require.Regexp(t, `^\d{4}-\d\d-\d\d$`, r["effectiveDate"])
		}
	})
}

func TestAuthentication(t *testing.T) {
	ts := newTestSim(t, Options{People: 20, Token: "bar-token"})

	t.Run("the token option is the default token", func(t *testing.T) {
		require.Equal(t, "bar-token", ts.Token())
		mustList[humaans.Person](t, ts, "people")
	})
	t.Run("a missing token is a 401 NotAuthenticated", func(t *testing.T) {
		status, body := ts.getWith(t, "", "people")
		mustError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	})
	t.Run("an unknown token is a 401", func(t *testing.T) {
		status, body := ts.getWith(t, "nope", "me")
		mustError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	})
	t.Run("a revoked token is a 401", func(t *testing.T) {
		ts.AddToken("short-lived", ScopePublicRead)
		mustListWith[humaans.Person](t, ts, "short-lived", "people")
		ts.RevokeToken("short-lived")
		status, body := ts.getWith(t, "short-lived", "people")
		mustError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	})
	t.Run("a non-bearer scheme is a 401", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, ts.api+"/people", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Basic "+ts.Token())
		status, body := do(t, req)
		mustError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	})
	t.Run("a deterministic token is derived when none is given", func(t *testing.T) {
		a, err := New(Options{People: 5, Seed: 9})
		require.NoError(t, err)
		b, err := New(Options{People: 5, Seed: 9})
		require.NoError(t, err)
		c, err := New(Options{People: 5, Seed: 10})
		require.NoError(t, err)
		require.Regexp(t, `^[A-Za-z0-9]{32}$`, a.Token())
		require.Equal(t, a.Token(), b.Token())
		require.NotEqual(t, a.Token(), c.Token())
	})
}

func TestMeAndTokenInfo(t *testing.T) {
	ts := newTestSim(t, Options{People: 30, Seed: 2, FullProfiles: true})
	owner := ts.People()[0]

	t.Run("me is the token owner's full person", func(t *testing.T) {
		status, body := ts.get(t, "me")
		require.Equal(t, http.StatusOK, status)
		var me humaans.Person
		require.NoError(t, json.Unmarshal(body, &me))
		require.Equal(t, owner, me)
	})
	t.Run("token-info lists the scopes and the owner", func(t *testing.T) {
		status, body := ts.get(t, "token-info")
		require.Equal(t, http.StatusOK, status)
		require.JSONEq(t, `{"scopes":["public:read","private:read"],"personId":"`+owner.ID+`"}`,
			string(body))
	})
	t.Run("token-info can be switched off", func(t *testing.T) {
		off := newTestSim(t, Options{People: 5, NoTokenInfo: true})
		status, body := off.get(t, "token-info")
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
