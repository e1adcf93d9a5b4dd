package graph_test

import (
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

const lifecycleEventsQuery = `query($first: Int, $after: String, $filter: LifecycleEventFilter) {
  lifecycleEvents(first: $first, after: $after, filter: $filter) {
    nodes { cursor type personId localDate years person { id } }
    endCursor hasNextPage totalCount
  }
}`

type lifecyclePage struct {
	LifecycleEvents struct {
		Nodes []struct {
			Cursor    string `json:"cursor"`
			Type      string `json:"type"`
			PersonID  string `json:"personId"`
			LocalDate string `json:"localDate"`
			Years     *int   `json:"years"`
			Person    struct {
				ID string `json:"id"`
			} `json:"person"`
		} `json:"nodes"`
		EndCursor   *string `json:"endCursor"`
		HasNextPage bool    `json:"hasNextPage"`
		TotalCount  int     `json:"totalCount"`
	} `json:"lifecycleEvents"`
}

func TestLifecycleQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 20, events: true})
		w := logWriter{t, e}
		p, q := twoPeople(t, db)
		var all []string
		for i, d := range []string{"2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"} {
			who := p.ID
			if i%2 == 1 {
				who = q.ID
			}
			id := w.lifecycle(event.TypeWORK_ANNIVERSARY, who, civil.MustParse(d), i+1)
			all = append(all, itoa(id))
		}
		bday := w.lifecycle(event.TypeBIRTHDAY, p.ID, civil.MustParse("2025-05-01"), 0)
		all = append(all, itoa(bday))
		w.change(event.TypePERSON_UPDATED, p.ID, []string{"jobTitle"}, "")

		t.Run("pages run oldest first and leave directory changes out", func(t *testing.T) {
			var got []string
			var after any
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10)
				var page lifecyclePage
				e.query(t, lifecycleEventsQuery, map[string]any{"first": 2, "after": after}, &page)
				c := page.LifecycleEvents
				require.Equal(t, 5, c.TotalCount)
				for _, n := range c.Nodes {
					got = append(got, n.Cursor)
					require.NotEmpty(t, n.Person.ID)
				}
				if !c.HasNextPage {
					break
				}
				after = *c.EndCursor
			}
			require.Equal(t, all, got)
		})

		t.Run("filters narrow by type, person and local day", func(t *testing.T) {
			var page lifecyclePage
			e.query(t, lifecycleEventsQuery, map[string]any{"filter": map[string]any{
				"types": []string{"WORK_ANNIVERSARY"}, "personId": p.ID,
				"from": "2025-02-01", "to": "2025-12-31"}}, &page)
			c := page.LifecycleEvents
			require.Equal(t, 1, c.TotalCount)
			require.Len(t, c.Nodes, 1)
			require.Equal(t, all[2], c.Nodes[0].Cursor)
			require.Equal(t, 3, *c.Nodes[0].Years)
			require.False(t, c.HasNextPage)
		})

		t.Run("a malformed cursor or page size is BAD_USER_INPUT", func(t *testing.T) {
			res := e.post(t, "", lifecycleEventsQuery, map[string]any{"after": "x1"})
			require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
			res = e.post(t, "", lifecycleEventsQuery, map[string]any{"first": -1})
			require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		})

		const upcoming = `query($from: Date!, $to: Date!, $types: [LifecycleEventType!]) {
		  upcomingLifecycleEvents(from: $from, to: $to, types: $types) {
		    key type personId localDate years timeZone fireAt person { id }
		  }
		}`
		type occurrence struct {
			Key       string `json:"key"`
			Type      string `json:"type"`
			PersonID  string `json:"personId"`
			LocalDate string `json:"localDate"`
			Years     *int   `json:"years"`
			FireAt    string `json:"fireAt"`
			Person    struct {
				ID string `json:"id"`
			} `json:"person"`
		}

		t.Run("upcomingLifecycleEvents projects a year", func(t *testing.T) {
			var out struct {
				UpcomingLifecycleEvents []occurrence `json:"upcomingLifecycleEvents"`
			}
			from := civil.DateOf(e.sim.Now())
			e.query(t, upcoming, map[string]any{"from": from.String(),
				"to": from.AddDays(365).String(), "types": []string{"BIRTHDAY"}}, &out)
			occs := out.UpcomingLifecycleEvents
			require.NotEmpty(t, occs, "someone has a birthday within a year")
			require.True(t, sort.SliceIsSorted(occs, func(i, j int) bool {
				return occs[i].FireAt < occs[j].FireAt
			}))
			for _, o := range occs {
				require.Equal(t, "BIRTHDAY", o.Type)
				require.Nil(t, o.Years, "a birthday tells no age")
				require.Equal(t, o.PersonID, o.Person.ID)
			}
		})

		t.Run("bad ranges and types are BAD_USER_INPUT", func(t *testing.T) {
			for _, vars := range []map[string]any{
				{"from": "2025-06-01", "to": "2025-05-31"},
				{"from": "2025-01-01", "to": "2026-01-03"},
				{"from": "2025-01-01", "to": "2025-02-01", "types": []string{"PERSON_ADDED"}},
				{"from": "2025-13-01", "to": "2025-02-01"},
			} {
				res := e.post(t, "", upcoming, vars)
				require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes(), "%v", vars)
			}
		})
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
