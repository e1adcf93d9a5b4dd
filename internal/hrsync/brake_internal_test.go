package hrsync

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// storedDirectory is a stored state of n current people "a", "b", ...
func storedDirectory(n int) *state {
	st := &state{people: map[string]*storedPerson{}, selected: map[string]bool{}}
	for i := range n {
		id := string(rune('a' + i))
		st.people[id] = &storedPerson{rec: record{ID: id, WorkEmail: id + "@x.test",
			Status: person.StatusACTIVE}}
		st.current++
	}
	return st
}

func snapshotOf(ids ...string) *humaans.Snapshot {
	s := &humaans.Snapshot{Complete: true}
	for _, id := range ids {
		s.People = append(s.People, humaans.Person{ID: id, Email: id + "@x.test",
			Status: humaans.StatusActive})
	}
	return s
}

func TestPartialUpstreamNeverDeparts(t *testing.T) {
	e := New(nil, nil)
	st := storedDirectory(10)

	t.Run("a complete snapshot departs the missing", func(t *testing.T) {
		snap := snapshotOf("a", "b", "c", "d", "e", "f", "g", "h", "i")
		p := e.plan(snap, st)
		_, _, departed := p.counts()
		require.Equal(t, 1, departed)
		require.Empty(t, e.brake(snap, st, p), "one in ten is the limit")
	})

	t.Run("an incomplete one departs nobody and is held when it changes anything", func(t *testing.T) {
		snap := snapshotOf("a", "b", "c")
		snap.Complete = false
		snap.People[0].FirstName = "Changed"
		p := e.plan(snap, st)
		_, updated, departed := p.counts()
		require.Zero(t, departed)
		require.Equal(t, 1, updated)
		require.Contains(t, e.brake(snap, st, p), "partial")
	})

	t.Run("an incomplete one with nothing to apply is not held", func(t *testing.T) {
		st := storedDirectory(3)
		for _, sp := range st.people {
			sp.hash = sp.rec.hash()
		}
		snap := snapshotOf("a", "b")
		snap.Complete = false
		p := e.plan(snap, st)
		require.True(t, p.empty(), "missing people stay as they are")
		require.Empty(t, e.brake(snap, st, p))
	})

	t.Run("a token that cannot see everyone departs nobody", func(t *testing.T) {
		snap := snapshotOf("a", "b", "c")
		snap.Token = &humaans.TokenInfo{Scopes: []string{"public:read"}}
		p := e.plan(snap, st)
		_, _, departed := p.counts()
		require.Zero(t, departed)
	})

	t.Run("too many departures are held", func(t *testing.T) {
		snap := snapshotOf("a", "b", "c", "d", "e", "f", "g", "h")
		p := e.plan(snap, st)
		require.Contains(t, e.brake(snap, st, p), "would depart 2 of 10")
	})
}
