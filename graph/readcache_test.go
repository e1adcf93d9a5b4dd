package graph_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestReadCache(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 40, cacheTTL: time.Minute})
	p, chain := deepest(t, e.db)
	vars := map[string]any{"email": *p.WorkEmail}
	type result struct {
		PersonByEmail struct {
			JobTitle        *string `json:"jobTitle"`
			ManagementChain idsOnly `json:"managementChain"`
			CustomFields    []struct {
				Definition struct {
					Name string `json:"name"`
				} `json:"definition"`
			} `json:"customFields"`
		} `json:"personByEmail"`
	}
	var out result

	t.Run("a repeated lookup is served without queries", func(t *testing.T) {
		first := e.count(func() { e.query(t, benchPersonQuery, vars, &out) })
		require.Positive(t, first)
		again := e.count(func() { e.query(t, benchPersonQuery, vars, &out) })
		require.Zero(t, again)
		require.Equal(t, chain[:3], out.PersonByEmail.ManagementChain.ids())
	})

	t.Run("database changes show once the entries expire", func(t *testing.T) {
		_, err := e.db.Client.Person.UpdateOneID(p.ID).SetJobTitle("Chief Cartographer").
			Save(context.Background())
		require.NoError(t, err)
		const q = `query($email: String!) { personByEmail(email: $email) { jobTitle } }`
		e.query(t, q, vars, &out)
		require.NotEqual(t, "Chief Cartographer", *out.PersonByEmail.JobTitle)
		e.clock.Advance(time.Minute)
		e.query(t, q, vars, &out)
		require.Equal(t, "Chief Cartographer", *out.PersonByEmail.JobTitle)
	})

	t.Run("mutations through the server flush the cache", func(t *testing.T) {
		const q = `query($email: String!) {
			personByEmail(email: $email) { customFields { definition { name } } } }`
		e.query(t, q, vars, &out)
		e.query(t, `mutation($n: [String!]!) { selectCustomFields(names: $n) { id } }`,
			map[string]any{"n": []string{e.selected[0]}}, &struct{}{})
		e.query(t, q, vars, &out)
		for _, v := range out.PersonByEmail.CustomFields {
			require.Equal(t, e.selected[0], v.Definition.Name)
		}
	})
}

func TestResponseCache(t *testing.T) {
	seen := &countingObserver{}
	e := newEnv(t, storetest.Open(t), envOptions{people: 30, cacheTTL: time.Minute,
		auth: auth.NewStatic(staticTokens), observer: seen})
	p := withBirthday(t, e)
	const q = `query($id: ID!) { person(id: $id) { id dateOfBirth } }`
	vars := map[string]any{"id": p.ID}

	t.Run("callers with other scopes never share a response", func(t *testing.T) {
		res := e.post(t, "private", q, vars)
		require.Empty(t, res.Errors)
		require.Contains(t, string(res.Data), p.DateOfBirth.String())
		for range 2 {
			res = e.post(t, "reader", q, vars)
			require.Equal(t, []string{"FORBIDDEN"}, res.codes())
			require.NotContains(t, string(res.Data), p.DateOfBirth.String())
		}
		res = e.post(t, "", q, vars)
		require.Equal(t, []string{"UNAUTHENTICATED"}, res.codes())
		res = e.post(t, "private", q, vars)
		require.Contains(t, string(res.Data), p.DateOfBirth.String())
		// Only the private caller's answer had no errors: it alone came
		// from the cache, the second time.
		require.Equal(t, []int64{4, 1}, []int64{seen.misses.Load(), seen.hits.Load()})
	})

	t.Run("sync runs are always read afresh", func(t *testing.T) {
		const runs = `{ syncRuns { totalCount } }`
		const mixed = `query($id: ID!) { person(id: $id) { id } syncRuns { totalCount } }`
		count := func(q string) int {
			res := e.post(t, "operator", q, vars)
			require.Empty(t, res.Errors)
			var out struct {
				SyncRuns struct{ TotalCount int } `json:"syncRuns"`
			}
			require.NoError(t, json.Unmarshal(res.Data, &out))
			return out.SyncRuns.TotalCount
		}
		before, beforeMixed := count(runs), count(mixed)
		require.Equal(t, before, beforeMixed)
		_, err := e.engine.Run(context.Background(), syncrun.TriggerMANUAL)
		require.NoError(t, err)
		require.Equal(t, before+1, count(runs))
		require.Equal(t, before+1, count(mixed))
	})

	t.Run("a directory change shows at once after a flush", func(t *testing.T) {
		const title = `query($id: ID!) { person(id: $id) { jobTitle } }`
		first := e.post(t, "reader", title, vars)
		_, err := e.db.Client.Person.UpdateOneID(p.ID).SetJobTitle("Head of Maps").
			Save(context.Background())
		require.NoError(t, err)
		require.JSONEq(t, string(first.Data), string(e.post(t, "reader", title, vars).Data),
			"within the TTL and without a flush the kept response answers")
		res := e.post(t, "operator",
			`mutation($n: [String!]!) { selectCustomFields(names: $n) { id } }`,
			map[string]any{"n": e.selected})
		require.Empty(t, res.Errors)
		require.Contains(t, string(e.post(t, "reader", title, vars).Data), "Head of Maps")
	})
}
