package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// nested returns person(id) { manager { manager { ... id } } } with n
// manager levels.
func nested(n int) string {
	return `query($id: ID!) { person(id: $id) { ` + strings.Repeat("manager { ", n) + "id" +
		strings.Repeat(" }", n) + " } }"
}

func TestLimits(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 30,
		limits: graph.Limits{MaxDepth: 6, MaxComplexity: 400, MaxPageSize: 25}})
	p := someManaged(t, e.db)
	vars := map[string]any{"id": p.ID}

	t.Run("a query within the depth limit runs", func(t *testing.T) {
		res := e.post(t, "", nested(4), vars)
		require.Empty(t, res.Errors)
	})

	t.Run("an over-deep query is refused before it runs", func(t *testing.T) {
		var n int64
		var res *gqlResponse
		n = e.count(func() { res = e.post(t, "", nested(6), vars) })
		require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		require.Equal(t, "DEPTH_LIMIT_EXCEEDED", res.Errors[0].Extensions["reason"])
		require.Zero(t, n)
	})

	t.Run("fragments count towards the depth", func(t *testing.T) {
		res := e.post(t, "", `query($id: ID!) { person(id: $id) { ...m } }
			fragment m on Person {
				manager { manager { manager { manager { manager { id } } } } } }`,
			vars)
		require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
	})

	t.Run("an over-complex query is refused", func(t *testing.T) {
		res := e.post(t, "", `{ people(first: 25) { edges { node {
			directReports { directReports { id workEmail } } } } } }`, nil)
		require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", res.Errors[0].Extensions["reason"])
	})

	t.Run("the page size cap is configurable", func(t *testing.T) {
		res := e.post(t, "", `{ people(first: 26) { totalCount } }`, nil)
		require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		res = e.post(t, "", `{ people(first: 25) { totalCount } }`, nil)
		require.Empty(t, res.Errors)
	})

	t.Run("introspection and _service are not limited by depth", func(t *testing.T) {
		res := e.post(t, "", `{ __schema { types { name fields { name type { name ofType {
			name ofType { name ofType { name } } } } } } } }`, nil)
		require.Empty(t, res.Errors)
	})

	t.Run("malformed queries are BAD_USER_INPUT", func(t *testing.T) {
		for _, q := range []string{`{ person(id: 1 { id } }`, `{ nosuchfield }`,
			`{ people(filter: {startDateFrom: "yesterday"}) { totalCount } }`} {
			res := e.post(t, "", q, nil)
			require.NotEmpty(t, res.Errors, q)
			require.Equal(t, "BAD_USER_INPUT", res.codes()[0], q)
		}
	})
}

func TestInternalErrorsAreMasked(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 20})
	p := someManaged(t, e.db)
	require.NoError(t, e.db.SQL.Close())
	res := e.post(t, "", `query($id: ID!) { person(id: $id) { id } }`,
		map[string]any{"id": p.ID})
	require.Equal(t, []string{"INTERNAL"}, res.codes())
	require.Equal(t, "internal error", res.Errors[0].Message)
}
