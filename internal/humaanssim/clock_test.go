package humaanssim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// firstWith returns the first person of the snapshot accepted by keep.
func firstWith(t *testing.T, ts *testSim, keep func(humaans.Person) bool) humaans.Person {
	t.Helper()
	for _, p := range ts.People() {
		if keep(p) {
			return p
		}
	}
	t.Fatal("nobody matches")
	return humaans.Person{}
}

func TestStatusFollowsTheClock(t *testing.T) {
	ts := newTestSim(t, Options{People: 200, Seed: 31})
	pre := firstWith(t, ts, func(p humaans.Person) bool {
		return p.Status == humaans.StatusNewHire
	})
	leaving := firstWith(t, ts, func(p humaans.Person) bool {
		return p.Status == humaans.StatusActive && !p.LastWorkingDay.IsZero()
	})

	t.Run("a pre-hire becomes active on the start date", func(t *testing.T) {
		ts.SetNow(pre.EmploymentStartDate.AddDays(-1).In(time.UTC, 23))
		require.Equal(t, humaans.StatusNewHire, mustPerson(t, ts, pre.ID).Status)
		ts.Advance(time.Hour)
		got := mustPerson(t, ts, pre.ID)
		require.Equal(t, humaans.StatusActive, got.Status)
		require.Equal(t, pre.UpdatedAt, got.UpdatedAt, "clock flips do not bump by default")
	})
	t.Run("a leaver is offboarded after the last working day", func(t *testing.T) {
		ts.SetNow(leaving.LastWorkingDay.In(time.UTC, 12))
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, leaving.ID).Status)
		ts.Advance(24 * time.Hour)
		require.Equal(t, humaans.StatusOffboarded, mustPerson(t, ts, leaving.ID).Status)
	})
	t.Run("moving the clock back undoes the flips", func(t *testing.T) {
		ts.SetNow(DefaultNow)
		require.Equal(t, humaans.StatusNewHire, mustPerson(t, ts, pre.ID).Status)
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, leaving.ID).Status)
	})
	t.Run("flips bump updatedAt when switched on", func(t *testing.T) {
		bumping := newTestSim(t, Options{People: 200, Seed: 31, FlipsBumpUpdatedAt: true})
		bumping.SetNow(pre.EmploymentStartDate.In(time.UTC, 8))
		got := mustPerson(t, bumping, pre.ID)
		require.Equal(t, humaans.StatusActive, got.Status)
		require.Equal(t, bumping.Now(), got.UpdatedAt)
	})
	t.Run("the clock starts at the option or the fixed default", func(t *testing.T) {
		start := time.Date(2030, 1, 2, 3, 4, 5, 0, mustZone(t, "Asia/Tokyo"))
		s, err := New(Options{People: 3, Now: start})
		require.NoError(t, err)
		require.Equal(t, start.UTC(), s.Now())
		d, err := New(Options{People: 3})
		require.NoError(t, err)
		require.Equal(t, DefaultNow, d.Now())
	})
}
