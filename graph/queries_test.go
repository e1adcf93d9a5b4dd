package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

const pageWithRelations = `query($first: Int) {
	people(first: $first) {
		totalCount
		edges { node {
			id displayName
			manager { id displayName }
			directReports { id workEmail }
			location { id label timezone }
			legalEntity { id name }
			customFields { value items isList definition { id name type } }
		} }
	}
}`

func TestQueryCountIsBoundedWhateverThePageSize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 130})
		var small, large int64
		var page struct {
			People struct {
				Edges []struct {
					Node struct {
						Manager *struct {
							ID string `json:"id"`
						} `json:"manager"`
						CustomFields []struct {
							Definition struct {
								Name string `json:"name"`
							} `json:"definition"`
						} `json:"customFields"`
						Location *struct {
							ID string `json:"id"`
						} `json:"location"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"people"`
		}
		small = e.count(func() {
			e.query(t, pageWithRelations, map[string]any{"first": 10}, &page)
		})
		require.Len(t, page.People.Edges, 10)
		large = e.count(func() {
			e.query(t, pageWithRelations, map[string]any{"first": 100}, &page)
		})
		require.Len(t, page.People.Edges, 100)

		withManager, withValues, withLocation := 0, 0, 0
		for _, edge := range page.People.Edges {
			if edge.Node.Manager != nil {
				withManager++
			}
			if len(edge.Node.CustomFields) > 0 {
				withValues++
				require.NotEmpty(t, edge.Node.CustomFields[0].Definition.Name)
			}
			if edge.Node.Location != nil {
				withLocation++
			}
		}
		require.Greater(t, withManager, 50, "the page resolves managers")
		require.Greater(t, withValues, 10, "the page resolves custom values")
		require.Greater(t, withLocation, 50, "the page resolves locations")
		require.Equal(t, small, large, "a page of 100 costs what a page of 10 does")
		require.LessOrEqual(t, large, int64(10))
	})
}

func TestEntities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 120})
		ctx := context.Background()
		people, err := db.Client.Person.Query().
			Where(person.DepartedAtIsNil(), person.WorkEmailNotNil()).
			Order(ent.Asc(person.FieldID)).Limit(100).All(ctx)
		require.NoError(t, err)
		require.Len(t, people, 100)
		const q = `query($reps: [_Any!]!) {
			_entities(representations: $reps) {
				... on Person { id workEmail manager { id } location { id } customFields { value } }
			}
		}`
		type entity struct {
			ID        string `json:"id"`
			WorkEmail string `json:"workEmail"`
		}
		resolve := func(t *testing.T, reps []map[string]any) ([]*entity, int64) {
			t.Helper()
			var out struct {
				Entities []*entity `json:"_entities"`
			}
			n := e.count(func() { e.query(t, q, map[string]any{"reps": reps}, &out) })
			require.Len(t, out.Entities, len(reps))
			return out.Entities, n
		}
		// reps mixes both keys, unknown people and a malformed email.
		reps := func(n int) ([]map[string]any, []string) {
			var rs []map[string]any
			var want []string
			for i, p := range people[:n] {
				switch {
				case i%10 == 3:
					rs = append(rs, map[string]any{"__typename": "Person",
						"id": fmt.Sprint("nobody-", i)})
					want = append(want, "")
				case i%10 == 7:
					rs = append(rs, map[string]any{"__typename": "Person",
						"workEmail": fmt.Sprint("nobody-", i, "@example.com")})
					want = append(want, "")
				case i%2 == 0:
					rs = append(rs, map[string]any{"__typename": "Person", "id": p.ID})
					want = append(want, p.ID)
				default:
					rs = append(rs, map[string]any{"__typename": "Person",
						"workEmail": *p.WorkEmail})
					want = append(want, p.ID)
				}
			}
			return rs, want
		}

		t.Run("100 mixed representations resolve in order, null for unknown", func(t *testing.T) {
			rs, want := reps(100)
			got, _ := resolve(t, rs)
			for i, w := range want {
				if w == "" {
					require.Nil(t, got[i], "representation %d", i)
					continue
				}
				require.NotNil(t, got[i], "representation %d", i)
				require.Equal(t, w, got[i].ID, "representation %d", i)
			}
		})

		t.Run("the query count does not grow with the representations", func(t *testing.T) {
			rs10, _ := reps(10)
			rs100, _ := reps(100)
			_, n10 := resolve(t, rs10)
			_, n100 := resolve(t, rs100)
			require.Equal(t, n10, n100)
			require.LessOrEqual(t, n100, int64(8))
		})

		t.Run("a former email resolves to its person", func(t *testing.T) {
			p := people[5]
			require.NoError(t, e.sim.ChangeEmail(p.ID, "renamed."+*p.WorkEmail))
			e.sync(t)
			got, _ := resolve(t, []map[string]any{
				{"__typename": "Person", "workEmail": *p.WorkEmail},
				{"__typename": "Person", "workEmail": "RENAMED." + *p.WorkEmail},
			})
			require.Equal(t, p.ID, got[0].ID)
			require.Equal(t, p.ID, got[1].ID)
			require.Equal(t, "renamed."+*p.WorkEmail, got[0].WorkEmail)
			var byEmail struct {
				Person *entity `json:"personByEmail"`
			}
			e.query(t, `query($e: String!) { personByEmail(email: $e) { id workEmail } }`,
				map[string]any{"e": *p.WorkEmail}, &byEmail)
			require.Equal(t, p.ID, byEmail.Person.ID)
		})

		t.Run("a representation without its key is an error", func(t *testing.T) {
			res := e.post(t, "", q, map[string]any{"reps": []map[string]any{
				{"__typename": "Person", "name": "x"},
			}})
			require.NotEmpty(t, res.Errors)
		})
	})
}

func TestNestedLookupsBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// A generous batch window keeps the count steady under the race detector.
		e := newEnv(t, db, envOptions{people: 80,
			limits: graph.Limits{LoaderWait: 20 * time.Millisecond}})
		ctx := context.Background()
		var out struct {
			People struct {
				Edges []struct {
					Node struct {
						ID      string `json:"id"`
						Manager *struct {
							ID       string `json:"id"`
							Location *struct {
								ID string `json:"id"`
							} `json:"location"`
							LegalEntity *struct {
								ID string `json:"id"`
							} `json:"legalEntity"`
							DirectReports idsOnly `json:"directReports"`
						} `json:"manager"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"people"`
		}
		const q = `{ people(first: 60) { edges { node { id manager {
			id location { id } legalEntity { id } directReports { id } } } } } }`
		n := e.count(func() { e.query(t, q, nil, &out) })
		checked := 0
		for _, edge := range out.People.Edges {
			m := edge.Node.Manager
			if m == nil {
				continue
			}
			stored, err := db.Client.Person.Get(ctx, m.ID)
			require.NoError(t, err)
			if stored.LocationID != nil {
				require.Equal(t, *stored.LocationID, m.Location.ID)
			}
			require.Contains(t, m.DirectReports.ids(), edge.Node.ID)
			checked++
		}
		require.Greater(t, checked, 30)
		require.LessOrEqual(t, n, int64(12),
			"the managers' fields are batched, not fetched one by one")
	})
}

func TestPersonFields(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 40})
	ctx := context.Background()
	v, err := e.db.Client.CustomFieldValue.Query().WithDefinition().
		Order(ent.Asc("id")).First(ctx)
	require.NoError(t, err)
	p, err := e.db.Client.Person.Get(ctx, v.PersonID)
	require.NoError(t, err)
	var out struct {
		Person struct {
			DisplayName string `json:"displayName"`
			ByName      *struct {
				Value string `json:"value"`
			} `json:"byName"`
			ByID *struct {
				Value string `json:"value"`
			} `json:"byID"`
			Missing *struct {
				Value string `json:"value"`
			} `json:"missing"`
		} `json:"person"`
	}
	e.query(t, `query($id: ID!, $name: String!, $def: String!) { person(id: $id) {
		displayName
		byName: customField(name: $name) { value }
		byID: customField(name: $def) { value }
		missing: customField(name: "no such field") { value } } }`,
		map[string]any{"id": p.ID, "name": strings.ToUpper(v.Edges.Definition.Name),
			"def": v.DefinitionID}, &out)
	require.Equal(t, v.Value, out.Person.ByName.Value)
	require.Equal(t, v.Value, out.Person.ByID.Value)
	require.Nil(t, out.Person.Missing)
	first := p.FirstName
	if p.PreferredName != nil && *p.PreferredName != "" {
		first = *p.PreferredName
	}
	require.Equal(t, first+" "+p.LastName, out.Person.DisplayName)

	t.Run("sync runs report data problems", func(t *testing.T) {
		var runs struct {
			SyncRuns struct {
				Nodes []struct {
					Skipped  int `json:"skipped"`
					Problems []struct {
						Kind     string  `json:"kind"`
						PersonID *string `json:"personId"`
						Message  string  `json:"message"`
					} `json:"problems"`
				} `json:"nodes"`
			} `json:"syncRuns"`
		}
		e.query(t, `{ syncRuns(first: 1) {
			nodes { skipped problems { kind personId message } } } }`, nil, &runs)
		require.Len(t, runs.SyncRuns.Nodes, 1)
		run := runs.SyncRuns.Nodes[0]
		require.NotEmpty(t, run.Problems, "the simulator has people without a work email")
		kinds := map[string]bool{}
		for _, pr := range run.Problems {
			kinds[pr.Kind] = true
			require.NotEmpty(t, pr.Message)
		}
		require.True(t, kinds["NO_WORK_EMAIL"])
	})
}

func TestTimezoneFallsBackToTheLocation(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 40})
	ctx := context.Background()
	people, err := e.db.Client.Person.Query().Where(person.LocationIDNotNil()).
		WithLocation().Order(ent.Asc(person.FieldID)).All(ctx)
	require.NoError(t, err)
	var p *ent.Person
	for _, x := range people {
		if x.Edges.Location.Timezone != nil {
			p = x
			break
		}
	}
	require.NotNil(t, p, "the simulator's locations have time zones")
	_, err = e.db.Client.Person.UpdateOneID(p.ID).ClearTimezone().Save(ctx)
	require.NoError(t, err)
	const q = `query($id: ID!) { person(id: $id) { timezone } }`
	var out struct {
		Person struct {
			Timezone *string `json:"timezone"`
		} `json:"person"`
	}
	e.query(t, q, map[string]any{"id": p.ID}, &out)
	require.Equal(t, *p.Edges.Location.Timezone, *out.Person.Timezone)

	_, err = e.db.Client.Person.UpdateOneID(p.ID).SetTimezone("Pacific/Auckland").Save(ctx)
	require.NoError(t, err)
	e.query(t, q, map[string]any{"id": p.ID}, &out)
	require.Equal(t, "Pacific/Auckland", *out.Person.Timezone)
}
