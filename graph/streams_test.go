package graph_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

const lifecycleSub = `subscription($after: String, $types: [LifecycleEventType!],
	$filter: PersonEventFilter) {
  lifecycleTriggered(after: $after, types: $types, filter: $filter) {
    id cursor type personId localDate offsetDays years timeZone firedAt
    person { id workEmail manager { id } }
  }
}`

const changeSub = `subscription($after: String, $filter: PersonEventFilter) {
  personChanged(after: $after, filter: $filter) {
    id cursor kind personId changedFields reason occurredAt
    person { id preferredName department }
    previousManager { id } manager { id }
  }
}`

type lifecycleEvent struct {
	ID         string `json:"id"`
	Cursor     string `json:"cursor"`
	Type       string `json:"type"`
	PersonID   string `json:"personId"`
	LocalDate  string `json:"localDate"`
	OffsetDays int    `json:"offsetDays"`
	Years      *int   `json:"years"`
	TimeZone   string `json:"timeZone"`
	FiredAt    string `json:"firedAt"`
	Person     *struct {
		ID        string  `json:"id"`
		WorkEmail *string `json:"workEmail"`
	} `json:"person"`
}

type personChange struct {
	ID            string   `json:"id"`
	Cursor        string   `json:"cursor"`
	Kind          string   `json:"kind"`
	PersonID      string   `json:"personId"`
	ChangedFields []string `json:"changedFields"`
	Reason        *string  `json:"reason"`
	Person        *struct {
		ID            string  `json:"id"`
		PreferredName *string `json:"preferredName"`
		Department    *string `json:"department"`
	} `json:"person"`
	PreviousManager *struct{ ID string } `json:"previousManager"`
	Manager         *struct{ ID string } `json:"manager"`
}

// lastCursor returns the cursor of the newest event of the log; subscribing
// after it receives exactly what is written next, however long the
// subscription takes to start.
func lastCursor(t *testing.T, e *env) string {
	t.Helper()
	ev, err := e.db.Client.Event.Query().Order(ent.Desc(event.FieldID)).First(context.Background())
	require.NoError(t, err)
	return strconv.Itoa(ev.ID)
}

// twoPeople returns two current people of different departments.
func twoPeople(t *testing.T, db *store.DB) (*ent.Person, *ent.Person) {
	t.Helper()
	ps, err := db.Client.Person.Query().
		Where(person.DepartedAtIsNil(), person.DepartmentNotNil(), person.ManagerIDNotNil()).
		Order(ent.Asc(person.FieldID)).All(context.Background())
	require.NoError(t, err)
	for _, q := range ps[1:] {
		if *q.Department != *ps[0].Department {
			return ps[0], q
		}
	}
	t.Fatal("the directory has a single department")
	return nil, nil
}

func lifecycleOf(t *testing.T, res *gqlResponse) lifecycleEvent {
	t.Helper()
	var out struct {
		LifecycleTriggered lifecycleEvent `json:"lifecycleTriggered"`
	}
	eventData(t, res, &out)
	return out.LifecycleTriggered
}

func changeOf(t *testing.T, res *gqlResponse) personChange {
	t.Helper()
	var out struct {
		PersonChanged personChange `json:"personChanged"`
	}
	eventData(t, res, &out)
	return out.PersonChanged
}

func TestEventSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 20, events: true})
		w := logWriter{t, e}
		p, q := twoPeople(t, db)
		day := civil.MustParse("2025-03-14")

		t.Run("every transport delivers lifecycle events with their person", func(t *testing.T) {
			vars := map[string]any{"after": lastCursor(t, e),
				"types": []string{"WORK_ANNIVERSARY", "BIRTHDAY"}}
			modern := dialStream(t, e, protoTransportWS, "")
			modern.subscribe("1", lifecycleSub, vars)
			legacy := dialStream(t, e, protoLegacyWS, "")
			legacy.subscribe("1", lifecycleSub, vars)
			sse := subscribeSSE(t, e, lifecycleSub, vars)

			anniversary := w.lifecycle(event.TypeWORK_ANNIVERSARY, p.ID, day, 3)
			w.lifecycle(event.TypeSTART_DATE, p.ID, day, 0)
			birthday := w.lifecycle(event.TypeBIRTHDAY, q.ID, day, 0)

			for name, next := range map[string]func() *gqlResponse{
				"graphql-transport-ws": modern.next, "graphql-ws": legacy.next, "SSE": sse.next,
			} {
				a := lifecycleOf(t, next())
				require.Equal(t, strconv.Itoa(anniversary), a.Cursor, name)
				require.Equal(t, "WORK_ANNIVERSARY", a.Type)
				require.Equal(t, "2025-03-14", a.LocalDate)
				require.Equal(t, "Europe/Berlin", a.TimeZone)
				require.Equal(t, "2025-03-14T09:00:00Z", a.FiredAt)
				require.NotNil(t, a.Years)
				require.Equal(t, 3, *a.Years)
				require.NotNil(t, a.Person)
				require.Equal(t, p.WorkEmail, a.Person.WorkEmail)

				b := lifecycleOf(t, next())
				require.Equal(t, strconv.Itoa(birthday), b.Cursor, name)
				require.Equal(t, q.ID, b.PersonID)
				require.Nil(t, b.Years, "a birthday tells no age")
			}
		})

		t.Run("a stream resumed from a cursor has no gap and no duplicate", func(t *testing.T) {
			vars := map[string]any{"after": lastCursor(t, e)}
			c := dialStream(t, e, protoTransportWS, "")
			c.subscribe("1", lifecycleSub, vars)
			var want []string
			for range 2 {
				want = append(want, strconv.Itoa(w.lifecycle(event.TypeSTART_DATE, p.ID, day, 0)))
			}
			var got []string
			for range 2 {
				got = append(got, lifecycleOf(t, c.next()).Cursor)
			}
			require.NoError(t, c.conn.CloseNow())

			for range 3 { // written while the client is away
				want = append(want, strconv.Itoa(w.lifecycle(event.TypeEND_DATE, p.ID, day, 0)))
			}
			c = dialStream(t, e, protoTransportWS, "")
			c.subscribe("1", lifecycleSub, map[string]any{"after": got[1]})
			for range 2 { // written while the replay may be under way
				want = append(want, strconv.Itoa(w.lifecycle(event.TypeBIRTHDAY, p.ID, day, 0)))
			}
			for range 5 {
				got = append(got, lifecycleOf(t, c.next()).Cursor)
			}
			require.Equal(t, want, got)
		})

		t.Run("filters match the person's current row and ids", func(t *testing.T) {
			after := lastCursor(t, e)
			byDept := dialStream(t, e, protoTransportWS, "")
			byDept.subscribe("1", changeSub, map[string]any{"after": after,
				"filter": map[string]any{"departments": []string{*q.Department}}})
			byID := dialStream(t, e, protoTransportWS, "")
			byID.subscribe("1", lifecycleSub, map[string]any{"after": after,
				"filter": map[string]any{"personIds": []string{p.ID}}})

			w.change(event.TypePERSON_UPDATED, p.ID, []string{"jobTitle"}, "")
			w.lifecycle(event.TypeSTART_DATE, q.ID, day, 0)
			moved := w.change(event.TypeMANAGER_CHANGED, q.ID, []string{"manager"},
				`{"from": "`+*q.ManagerID+`", "to": "`+p.ID+`"}`)
			mine := w.lifecycle(event.TypeEND_DATE, p.ID, day, 0)

			c := changeOf(t, byDept.next())
			require.Equal(t, strconv.Itoa(moved), c.Cursor)
			require.Equal(t, "MANAGER_CHANGED", c.Kind)
			require.Equal(t, *q.ManagerID, c.PreviousManager.ID)
			require.Equal(t, p.ID, c.Manager.ID)
			require.Equal(t, []string{"manager"}, c.ChangedFields)
			l := lifecycleOf(t, byID.next())
			require.Equal(t, strconv.Itoa(mine), l.Cursor)
			require.Equal(t, p.ID, l.PersonID)
		})

		t.Run("personChanged reports what a sync changed", func(t *testing.T) {
			c := dialStream(t, e, protoLegacyWS, "")
			c.subscribe("1", changeSub, map[string]any{"after": lastCursor(t, e),
				"filter": map[string]any{"personIds": []string{q.ID}}})
			require.NoError(t, e.sim.UpdatePerson(q.ID, map[string]any{"preferredName": "Quill"}))
			e.sync(t)
			e.broker.Publish(context.Background())
			ch := changeOf(t, c.next())
			require.Equal(t, "UPDATED", ch.Kind)
			require.Equal(t, q.ID, ch.PersonID)
			require.NotEmpty(t, ch.ChangedFields)
			require.Equal(t, "Quill", *ch.Person.PreferredName)
		})

		t.Run("bad arguments are BAD_USER_INPUT", func(t *testing.T) {
			c := dialStream(t, e, protoTransportWS, "")
			for i, vars := range []map[string]any{
				{"after": "not-a-cursor"},
				{"after": "-4"},
				{"types": []string{"PERSON_ADDED"}},
			} {
				id := strconv.Itoa(i + 1)
				c.subscribe(id, lifecycleSub, vars)
				res := c.next()
				require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes(), "%v", vars)
				c.expectComplete()
			}
		})
	})
}

func TestSubscriptionAuth(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 10, events: true,
		auth: auth.NewStatic(staticTokens)})
	w := logWriter{t, e}
	p := someManaged(t, e.db)

	t.Run("a socket without a token gets UNAUTHENTICATED", func(t *testing.T) {
		c := dialStream(t, e, protoTransportWS, "")
		c.subscribe("1", changeSub, nil)
		require.Equal(t, []string{"UNAUTHENTICATED"}, c.next().codes())
		c.expectComplete()
	})

	t.Run("SSE without a token gets UNAUTHENTICATED", func(t *testing.T) {
		s := subscribeSSE(t, e, changeSub, nil)
		require.Equal(t, []string{"UNAUTHENTICATED"}, s.next().codes())
	})

	t.Run("a forged token is refused in connection_init", func(t *testing.T) {
		c := openStream(t, e, protoTransportWS, "forged", nil)
		_, err := c.tryRead()
		require.Error(t, err)
	})

	t.Run("a reader receives events", func(t *testing.T) {
		c := dialStream(t, e, protoTransportWS, "reader")
		c.subscribe("1", changeSub, map[string]any{"after": lastCursor(t, e)})
		id := w.change(event.TypePERSON_RESTORED, p.ID, []string{"status"}, "")
		require.Equal(t, strconv.Itoa(id), changeOf(t, c.next()).Cursor)
	})
}
