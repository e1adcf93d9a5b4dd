package graph_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// managerSub asks for a field that the event's row does not hold, so that
// resolving it reads the database.
const managerSub = `subscription($after: String, $types: [LifecycleEventType!]) {
  lifecycleTriggered(after: $after, types: $types) { cursor person { id manager { workEmail } } }
}`

// sub is one subscriber of a fan-out round: its document and variables.
type sub struct {
	query string
	vars  map[string]any
}

func TestSubscribersShareResolution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seen := &countingObserver{}
		e := newEnv(t, db, envOptions{people: 20, events: true, observer: seen})
		w := logWriter{t, e}
		p := someManaged(t, e.db)
		day := civil.MustParse("2025-03-14")

		// round subscribes one client per sub, writes one event and returns
		// what each client received and the statements it cost.
		round := func(t *testing.T, subs []sub) ([]json.RawMessage, int64) {
			t.Helper()
			after := lastCursor(t, e)
			clients := make([]*wsClient, len(subs))
			for i, s := range subs {
				vars := map[string]any{"after": after}
				for k, v := range s.vars {
					vars[k] = v
				}
				clients[i] = dialStream(t, e, protoTransportWS, "")
				clients[i].subscribe("1", s.query, vars)
			}
			require.Eventually(t, func() bool {
				return e.broker.Stats().Subscribers == len(subs)
			}, streamWait, 10*time.Millisecond, "every subscription reaches the broker")
			before := e.queries.n.Load()
			id := w.lifecycle(event.TypeBIRTHDAY, p.ID, day, 0)
			got := make([]json.RawMessage, len(clients))
			for i, c := range clients {
				res := c.next()
				require.Empty(t, res.Errors)
				require.Equal(t, strconv.Itoa(id), lifecycleOf(t, res).Cursor)
				got[i] = res.Data
				_ = c.conn.CloseNow()
			}
			spent := e.queries.n.Load() - before
			require.Eventually(t, func() bool { return e.broker.Stats().Subscribers == 0 },
				streamWait, 10*time.Millisecond, "the subscriptions end with their sockets")
			return got, spent
		}

		// The root field's arguments only choose the events: subscribers
		// that differ in them alone share each event's resolution.
		filters := []sub{
			{managerSub, map[string]any{"types": []string{"BIRTHDAY"}}},
			{managerSub, map[string]any{"types": []string{"BIRTHDAY", "START_DATE"}}},
			{managerSub, map[string]any{"types": []string{"START_DATE", "BIRTHDAY"}}},
			{managerSub, map[string]any{"types": nil}},
		}
		sameGot, sameSpent := round(t, filters)
		for _, data := range sameGot[1:] {
			require.JSONEq(t, string(sameGot[0]), string(data))
		}
		require.Contains(t, string(sameGot[0]), `"manager":{"workEmail":`)
		require.Equal(t, []int64{1, 3}, []int64{seen.own.Load(), seen.shared.Load()},
			"one subscriber resolved the event, three sent its response")

		// Selections that differ keep the subscribers apart: each resolves
		// the event, reading the manager, on its own.
		var apart []sub
		for _, extra := range []string{"id", "type", "localDate", "personId"} {
			apart = append(apart, sub{query: strings.Replace(managerSub, "{ cursor ",
				"{ cursor "+extra+" ", 1)})
		}
		_, apartSpent := round(t, apart)
		require.Equal(t, sameSpent+3, apartSpent,
			"four subscribers of one selection read the manager once, of four selections four times")

		// A variable the selection uses is part of what is shared.
		const optional = `subscription($after: String, $manager: Boolean!) {
  lifecycleTriggered(after: $after, types: [BIRTHDAY]) {
    cursor person { id manager @include(if: $manager) { workEmail } }
  }
}`
		got, _ := round(t, []sub{
			{optional, map[string]any{"manager": true}},
			{optional, map[string]any{"manager": false}},
		})
		require.Contains(t, string(got[0]), `"manager":{"workEmail":`)
		require.NotContains(t, string(got[1]), `"manager"`)

		// So is one used in a fragment the selection spreads, or in an
		// inline fragment.
		const spread = `subscription($after: String, $manager: Boolean!) {
  lifecycleTriggered(after: $after, types: [BIRTHDAY]) { cursor person { ...card } }
}
fragment card on Person { id ... on Person { manager @include(if: $manager) { workEmail } } }`
		got, _ = round(t, []sub{
			{spread, map[string]any{"manager": false}},
			{spread, map[string]any{"manager": true}},
		})
		require.NotContains(t, string(got[0]), `"manager"`)
		require.Contains(t, string(got[1]), `"manager":{"workEmail":`)
	})
}

func TestSharedResolutionKeepsScopesApart(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 30, events: true,
		auth: auth.NewStatic(staticTokens)})
	w := logWriter{t, e}
	p, err := e.db.Client.Person.Query().
		Where(person.DateOfBirthNotNil(), person.DepartedAtIsNil()).
		Order(ent.Asc(person.FieldID)).First(context.Background())
	require.NoError(t, err)
	const sub = `subscription($after: String) {
  lifecycleTriggered(after: $after, types: [BIRTHDAY]) { cursor person { id dateOfBirth } }
}`
	after := map[string]any{"after": lastCursor(t, e)}
	reader := dialStream(t, e, protoTransportWS, "reader")
	reader.subscribe("1", sub, after)
	private := dialStream(t, e, protoTransportWS, "private")
	private.subscribe("1", sub, after)
	reader2 := dialStream(t, e, protoTransportWS, "reader")
	reader2.subscribe("1", sub, after)
	require.Eventually(t, func() bool { return e.broker.Stats().Subscribers == 3 },
		streamWait, 10*time.Millisecond, "every subscription reaches the broker")

	w.lifecycle(event.TypeBIRTHDAY, p.ID, civil.MustParse("2025-03-14"), 0)
	for _, c := range []*wsClient{reader, reader2} {
		res := c.next()
		require.Equal(t, []string{"FORBIDDEN"}, res.codes())
		require.NotContains(t, string(res.Data), p.DateOfBirth.String())
	}
	res := private.next()
	require.Empty(t, res.Errors)
	require.Contains(t, string(res.Data), p.DateOfBirth.String())
}
