package hrsync

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
)

func TestAddedPayload(t *testing.T) {
	t.Run("it encodes exactly as the map payload does", func(t *testing.T) {
		for _, email := range []string{
			"ada@example.com", `odd"quote@example.com`, "<tag>&@example.com", "ünï@example.com", "",
		} {
			want := mustJSON(map[string]any{"workEmail": email})
			require.JSONEq(t, string(want), string(addedPayload(email)))
			require.Equal(t, string(want), string(addedPayload(email)))
		}
	})
}

func TestAppendEvents(t *testing.T) {
	t.Run("an update with a new manager gives two events", func(t *testing.T) {
		old := &storedPerson{rec: record{ID: "p1", ManagerID: "m1", JobTitle: "Dev"}}
		w := &personWrite{kind: kindUpdate, rec: &record{ID: "p1", ManagerID: "m2",
			JobTitle: "Lead"}, old: old, managerChanged: true,
			changes: compare(&old.rec, &record{ID: "p1", JobTitle: "Lead"}, nil)}
		rows := appendEvents(nil, w)
		require.Len(t, rows, 2)
		require.Equal(t, event.TypePERSON_UPDATED, rows[0].typ)
		require.Equal(t, []string{"jobTitle"}, rows[0].fields)
		require.Equal(t, event.TypeMANAGER_CHANGED, rows[1].typ)
		require.JSONEq(t, `{"from":"m1","to":"m2"}`, string(rows[1].payload))
	})
	t.Run("an imported offboarded person gives none", func(t *testing.T) {
		w := &personWrite{kind: kindImport, rec: &record{ID: "p2", Departed: true}}
		require.Empty(t, appendEvents(nil, w))
	})
	t.Run("an added person names their work email", func(t *testing.T) {
		rows := appendEvents(nil, &personWrite{kind: kindAdd, rec: &record{ID: "p3",
			WorkEmail: "p3@example.com"}})
		require.Len(t, rows, 1)
		require.Equal(t, event.TypePERSON_ADDED, rows[0].typ)
		require.JSONEq(t, `{"workEmail":"p3@example.com"}`, string(rows[0].payload))
	})
}
