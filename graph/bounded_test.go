package graph

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBoundedMapForgetsTheOldestInsertedKey(t *testing.T) {
	m := newBoundedMap[int, string](2)
	m.set(1, "a")
	m.set(2, "b")
	m.set(1, "a again") // replacing keeps 1's place
	m.set(3, "c")
	require.Empty(t, m.get(1), "1 was inserted first")
	require.Equal(t, "b", m.get(2))
	require.Equal(t, "c", m.get(3))
	require.Len(t, m.entries, 2)
	require.Len(t, m.order, 2)
}

func TestFillOnceExpiresOnlyWhenFilled(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	late := start.Add(time.Minute)
	ok := func() bool { return false }
	failed := func() bool { return true }

	f := newFillOnce(start)
	require.False(t, f.expired(late, time.Second, failed), "being filled: readers wait for it")
	close(f.done)
	require.False(t, f.expired(start, time.Second, ok))
	require.True(t, f.expired(start, time.Second, failed))
	require.True(t, f.expired(late, time.Second, ok))
}
