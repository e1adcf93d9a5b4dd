package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/predicate"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

type pageData struct {
	People struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage     bool    `json:"hasNextPage"`
			HasPreviousPage bool    `json:"hasPreviousPage"`
			StartCursor     *string `json:"startCursor"`
			EndCursor       *string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID         string   `json:"id"`
				Status     string   `json:"status"`
				Department *string  `json:"department"`
				Teams      []string `json:"teams"`
				StartDate  *string  `json:"startDate"`
				FirstName  string   `json:"firstName"`
				WorkEmail  *string  `json:"workEmail"`
				Departed   bool     `json:"departed"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"people"`
}

func (p *pageData) ids() []string {
	out := make([]string, len(p.People.Edges))
	for i, e := range p.People.Edges {
		out[i] = e.Node.ID
	}
	return out
}

const peopleQuery = `query($first: Int, $after: String, $last: Int, $before: String,
	$filter: PersonFilter, $orderBy: PersonOrder) {
	people(first: $first, after: $after, last: $last, before: $before, filter: $filter,
		orderBy: $orderBy) {
		totalCount
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { id status department teams startDate firstName workEmail departed } }
	}
}`

func (e *env) people(t *testing.T, vars map[string]any) *pageData {
	t.Helper()
	var out pageData
	e.query(t, peopleQuery, vars, &out)
	return &out
}

func countPeople(t *testing.T, db *store.DB, ps ...predicate.Person) int {
	t.Helper()
	n, err := db.Client.Person.Query().Where(ps...).Count(context.Background())
	require.NoError(t, err)
	return n
}

func TestPeoplePaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 45})
		current := countPeople(t, db, person.DepartedAtIsNil())
		all := e.people(t, map[string]any{"first": 100})
		require.Equal(t, current, all.People.TotalCount)
		require.Len(t, all.People.Edges, current)
		require.False(t, all.People.PageInfo.HasNextPage)

		t.Run("forward pages concatenate to the whole list", func(t *testing.T) {
			var got []string
			vars := map[string]any{"first": 7}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20)
				p := e.people(t, vars)
				require.Equal(t, current, p.People.TotalCount)
				got = append(got, p.ids()...)
				require.Equal(t, pages > 0, p.People.PageInfo.HasPreviousPage)
				if !p.People.PageInfo.HasNextPage {
					break
				}
				require.Len(t, p.People.Edges, 7)
				vars["after"] = *p.People.PageInfo.EndCursor
			}
			require.Equal(t, all.ids(), got)
		})

		t.Run("backward pages concatenate to the whole list", func(t *testing.T) {
			var got []string
			vars := map[string]any{"last": 6}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20)
				p := e.people(t, vars)
				got = append(p.ids(), got...)
				if !p.People.PageInfo.HasPreviousPage {
					break
				}
				vars["before"] = *p.People.PageInfo.StartCursor
			}
			require.Equal(t, all.ids(), got)
		})

		t.Run("a page between two cursors holds the people between them", func(t *testing.T) {
			ids := all.ids()
			p := e.people(t, map[string]any{"first": 100,
				"after": all.People.Edges[2].Cursor, "before": all.People.Edges[9].Cursor})
			require.Equal(t, ids[3:9], p.ids())
		})

		t.Run("ordering by start date descending follows the dates", func(t *testing.T) {
			p := e.people(t, map[string]any{"first": 100,
				"orderBy": map[string]any{"field": "START_DATE", "direction": "DESC"}})
			require.Len(t, p.People.Edges, current)
			for i := 1; i < len(p.People.Edges); i++ {
				prev, cur := p.People.Edges[i-1].Node.StartDate, p.People.Edges[i].Node.StartDate
				require.GreaterOrEqual(t, deref(prev), deref(cur))
			}
			second := e.people(t, map[string]any{"first": 5, "after": p.People.Edges[4].Cursor,
				"orderBy": map[string]any{"field": "START_DATE", "direction": "DESC"}})
			require.Equal(t, p.ids()[5:10], second.ids())
		})

		t.Run("page sizes over the cap and bad cursors are BAD_USER_INPUT", func(t *testing.T) {
			for _, vars := range []map[string]any{
				{"first": 101}, {"last": 101}, {"first": -1},
				{"first": 1, "last": 1}, {"first": 1, "after": "bm9wZQ"},
			} {
				res := e.post(t, "", peopleQuery, vars)
				require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes(), "vars %v", vars)
			}
		})
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestPeopleFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 60})
		ctx := context.Background()
		sample, err := db.Client.Person.Query().
			Where(person.DepartedAtIsNil(), person.DepartmentNotNil(), person.LocationIDNotNil(),
				person.LegalEntityIDNotNil(), person.EmploymentTypeNotNil(),
				person.StartDateNotNil(), person.ManagerIDNotNil()).
			Order(ent.Asc(person.FieldID)).First(ctx)
		require.NoError(t, err)
		withTeam, err := db.Client.Person.Query().
			Where(person.DepartedAtIsNil(), person.TeamsNotNil()).All(ctx)
		require.NoError(t, err)
		team := ""
		for _, p := range withTeam {
			if len(p.Teams) > 0 {
				team = p.Teams[0]
				break
			}
		}
		require.NotEmpty(t, team, "the simulator puts people in teams")
		members := 0
		for _, p := range withTeam {
			for _, x := range p.Teams {
				if x == team {
					members++
					break
				}
			}
		}

		cur := person.DepartedAtIsNil()
		cases := []struct {
			name   string
			filter map[string]any
			want   int
			check  func(t *testing.T, p *pageData)
		}{
			{"status", map[string]any{"status": []string{"PRE_HIRE"}},
				countPeople(t, db, cur, person.StatusEQ(person.StatusPRE_HIRE)),
				func(t *testing.T, p *pageData) {
					for _, e := range p.People.Edges {
						require.Equal(t, "PRE_HIRE", e.Node.Status)
					}
				}},
			{"department", map[string]any{"department": []string{*sample.Department}},
				countPeople(t, db, cur, person.Department(*sample.Department)),
				func(t *testing.T, p *pageData) {
					for _, e := range p.People.Edges {
						require.Equal(t, *sample.Department, *e.Node.Department)
					}
				}},
			{"team", map[string]any{"team": []string{team}}, members,
				func(t *testing.T, p *pageData) {
					for _, e := range p.People.Edges {
						require.Contains(t, e.Node.Teams, team)
					}
				}},
			{"location", map[string]any{"locationId": []string{*sample.LocationID}},
				countPeople(t, db, cur, person.LocationID(*sample.LocationID)), nil},
			{"legal entity", map[string]any{"legalEntityId": []string{*sample.LegalEntityID}},
				countPeople(t, db, cur, person.LegalEntityID(*sample.LegalEntityID)), nil},
			{"manager", map[string]any{"managerId": *sample.ManagerID},
				countPeople(t, db, cur, person.ManagerID(*sample.ManagerID)), nil},
			{"employment type", map[string]any{"employmentType": []string{*sample.EmploymentType}},
				countPeople(t, db, cur, person.EmploymentType(*sample.EmploymentType)), nil},
			{"start date range", map[string]any{"startDateFrom": sample.StartDate.String(),
				"startDateTo": sample.StartDate.AddDays(400).String()},
				countPeople(t, db, cur, person.StartDateGTE(*sample.StartDate),
					person.StartDateLTE(sample.StartDate.AddDays(400))),
				func(t *testing.T, p *pageData) {
					for _, e := range p.People.Edges {
						require.GreaterOrEqual(t, *e.Node.StartDate, sample.StartDate.String())
					}
				}},
			{"search", map[string]any{"search": strings.ToUpper(sample.FirstName)},
				countPeople(t, db, cur, person.Or(
					person.FirstNameContainsFold(sample.FirstName),
					person.LastNameContainsFold(sample.FirstName),
					person.PreferredNameContainsFold(sample.FirstName),
					person.WorkEmailContainsFold(sample.FirstName))),
				func(t *testing.T, p *pageData) {
					ids := p.ids()
					require.Contains(t, ids, sample.ID)
				}},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("the %s filter selects its people", c.name), func(t *testing.T) {
				require.Positive(t, c.want)
				p := e.people(t, map[string]any{"first": 100, "filter": c.filter})
				require.Equal(t, c.want, p.People.TotalCount)
				require.Len(t, p.People.Edges, c.want)
				if c.check != nil {
					c.check(t, p)
				}
				small := e.people(t, map[string]any{"first": 1, "filter": c.filter})
				require.Equal(t, c.want, small.People.TotalCount)
			})
		}

		t.Run("departed people are left out unless asked for", func(t *testing.T) {
			_, err := db.Client.Person.UpdateOneID(sample.ID).SetDepartedAt(e.clock.Now()).Save(ctx)
			require.NoError(t, err)
			p := e.people(t, map[string]any{"first": 100})
			require.NotContains(t, p.ids(), sample.ID)
			with := e.people(t, map[string]any{"first": 100,
				"filter": map[string]any{"includeDeparted": true}})
			require.Contains(t, with.ids(), sample.ID)
			require.Equal(t, p.People.TotalCount+1, with.People.TotalCount)
			var got struct {
				Person struct {
					Departed bool `json:"departed"`
				} `json:"person"`
			}
			e.query(t, `query($id: ID!) { person(id: $id) { departed } }`,
				map[string]any{"id": sample.ID}, &got)
			require.True(t, got.Person.Departed)
		})
	})
}
