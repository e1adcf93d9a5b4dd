package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
