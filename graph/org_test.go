package graph_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// chainOf walks the stored manager links above id, nearest first.
func chainOf(t *testing.T, db *store.DB, id string) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{id: true}
	for {
		p, err := db.Client.Person.Get(context.Background(), id)
		require.NoError(t, err)
		if p.ManagerID == nil || seen[*p.ManagerID] {
			return out
		}
		id = *p.ManagerID
		seen[id] = true
		out = append(out, id)
	}
}

// deepest returns a current person with the longest management chain.
func deepest(t *testing.T, db *store.DB) (*ent.Person, []string) {
	t.Helper()
	people, err := db.Client.Person.Query().
		Where(person.DepartedAtIsNil(), person.WorkEmailNotNil()).
		Order(ent.Asc(person.FieldID)).All(context.Background())
	require.NoError(t, err)
	var best *ent.Person
	var chain []string
	for _, p := range people {
		if c := chainOf(t, db, p.ID); len(c) > len(chain) {
			best, chain = p, c
		}
	}
	require.GreaterOrEqual(t, len(chain), 3, "the company has at least four levels")
	return best, chain
}

// reportsBelow counts the current people below id from the stored links.
func reportsBelow(t *testing.T, db *store.DB, id string) map[string]bool {
	t.Helper()
	people, err := db.Client.Person.Query().All(context.Background())
	require.NoError(t, err)
	below := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, p := range people {
			if p.ManagerID == nil || p.ID == id || below[p.ID] {
				continue
			}
			if *p.ManagerID == id || below[*p.ManagerID] {
				below[p.ID], changed = true, true
			}
		}
	}
	for _, p := range people {
		if p.DepartedAt != nil {
			delete(below, p.ID)
		}
	}
	return below
}

type idsOnly []struct {
	ID string `json:"id"`
}

func (s idsOnly) ids() []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.ID
	}
	return out
}

func TestOrgChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 80})
		p, chain := deepest(t, db)
		top := chain[len(chain)-1]

		t.Run("managementChain follows the managers up to maxDepth", func(t *testing.T) {
			var out struct {
				Person struct {
					Full  idsOnly `json:"full"`
					Two   idsOnly `json:"two"`
					First struct {
						Chain idsOnly `json:"managementChain"`
					} `json:"manager"`
				} `json:"person"`
			}
			e.query(t, `query($id: ID!) { person(id: $id) {
				full: managementChain { id }
				two: managementChain(maxDepth: 2) { id }
				manager { managementChain(maxDepth: 1) { id } }
			} }`, map[string]any{"id": p.ID}, &out)
			require.Equal(t, chain, out.Person.Full.ids())
			require.Equal(t, chain[:2], out.Person.Two.ids())
			require.Equal(t, chain[1:2], out.Person.First.Chain.ids())
		})

		t.Run("maxDepth out of range is BAD_USER_INPUT", func(t *testing.T) {
			for _, d := range []int{0, 11} {
				res := e.post(t, "", `query($id: ID!, $d: Int) {
					person(id: $id) { managementChain(maxDepth: $d) { id } } }`,
					map[string]any{"id": p.ID, "d": d})
				require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
			}
		})

		t.Run("reports holds everyone below, paged", func(t *testing.T) {
			want := reportsBelow(t, db, top)
			require.Greater(t, len(want), 10)
			got := map[string]bool{}
			after := any(nil)
			for pages := 0; pages < 20; pages++ {
				var out struct {
					Person struct {
						Reports struct {
							TotalCount int `json:"totalCount"`
							PageInfo   struct {
								HasNextPage bool   `json:"hasNextPage"`
								EndCursor   string `json:"endCursor"`
							} `json:"pageInfo"`
							Edges []struct {
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
						} `json:"reports"`
					} `json:"person"`
				}
				e.query(t, `query($id: ID!, $after: String) { person(id: $id) {
					reports(first: 10, after: $after) {
						totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
					map[string]any{"id": top, "after": after}, &out)
				require.Equal(t, len(want), out.Person.Reports.TotalCount)
				for _, edge := range out.Person.Reports.Edges {
					require.False(t, got[edge.Node.ID], "no person twice")
					got[edge.Node.ID] = true
				}
				if !out.Person.Reports.PageInfo.HasNextPage {
					break
				}
				after = out.Person.Reports.PageInfo.EndCursor
			}
			require.Equal(t, want, got)
		})

		t.Run("a reporting loop ends the chain and the reports", func(t *testing.T) {
			ctx := context.Background()
			// p's manager now reports to p: p -> m -> p.
			m := chain[0]
			_, err := db.Client.Person.UpdateOneID(m).SetManagerID(p.ID).Save(ctx)
			require.NoError(t, err)
			var out struct {
				Person struct {
					Chain   idsOnly `json:"managementChain"`
					Reports struct {
						TotalCount int `json:"totalCount"`
					} `json:"reports"`
				} `json:"person"`
			}
			e.query(t, `query($id: ID!) { person(id: $id) {
				managementChain { id } reports { totalCount } } }`,
				map[string]any{"id": p.ID}, &out)
			require.Equal(t, []string{m}, out.Person.Chain.ids())
			require.Equal(t, len(reportsBelow(t, db, p.ID)), out.Person.Reports.TotalCount)
			require.Positive(t, out.Person.Reports.TotalCount)
		})
	})
}
