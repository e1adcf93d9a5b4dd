package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestParseSchedules(t *testing.T) {
	t.Run("reads offsets of every sign", func(t *testing.T) {
		got, err := lifecycle.ParseSchedules(
			" START_DATE:-7,end_date:-1 ,PROBATION_END:-14,, BIRTHDAY:+2,WORK_ANNIVERSARY:0")
		require.NoError(t, err)
		require.Equal(t, []lifecycle.Schedule{
			{Type: lifecycle.StartDate, OffsetDays: -7},
			{Type: lifecycle.EndDate, OffsetDays: -1},
			{Type: lifecycle.ProbationEnd, OffsetDays: -14},
			{Type: lifecycle.Birthday, OffsetDays: 2},
			{Type: lifecycle.WorkAnniversary, OffsetDays: 0},
		}, got)
	})

	t.Run("an empty string is no schedules", func(t *testing.T) {
		got, err := lifecycle.ParseSchedules("  ")
		require.NoError(t, err)
		require.Empty(t, got)
	})

	t.Run("String is what it parses", func(t *testing.T) {
		s := lifecycle.Schedule{Type: lifecycle.EndDate, OffsetDays: -3}
		got, err := lifecycle.ParseSchedules(s.String())
		require.NoError(t, err)
		require.Equal(t, []lifecycle.Schedule{s}, got)
	})

	for name, in := range map[string]string{
		"no offset":        "START_DATE",
		"unknown type":     "HIRE_DATE:-1",
		"a change event":   "PERSON_ADDED:0",
		"offset not a day": "START_DATE:-1.5",
		"offset too far":   "START_DATE:-400",
		"empty type":       ":3",
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			_, err := lifecycle.ParseSchedules("BIRTHDAY:0," + in)
			require.ErrorIs(t, err, lifecycle.ErrInvalidSchedule)
		})
	}
}

func TestNewValidatesTheConfig(t *testing.T) {
	db := storetest.Open(t)
	for name, cfg := range map[string]lifecycle.Config{
		"hour below 0":      {Hour: -1},
		"hour above 23":     {Hour: 24},
		"unknown leap day":  {LeapDay: "feb29"},
		"negative lookback": {Lookback: -time.Hour},
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			_, err := lifecycle.New(db, cfg)
			require.ErrorIs(t, err, lifecycle.ErrInvalidConfig)
		})
	}

	t.Run("rejects a bad schedule", func(t *testing.T) {
		_, err := lifecycle.New(db, lifecycle.Config{
			Schedules: []lifecycle.Schedule{{Type: "NOPE"}},
		})
		require.ErrorIs(t, err, lifecycle.ErrInvalidSchedule)
	})

	t.Run("rejects a missing database", func(t *testing.T) {
		_, err := lifecycle.New(nil, lifecycle.Config{})
		require.ErrorIs(t, err, lifecycle.ErrInvalidConfig)
	})

	t.Run("adds extra schedules to the defaults once", func(t *testing.T) {
		e, err := lifecycle.New(db, lifecycle.Config{Schedules: []lifecycle.Schedule{
			{Type: lifecycle.StartDate, OffsetDays: -7},
			{Type: lifecycle.StartDate, OffsetDays: -7},
			{Type: lifecycle.Birthday},
		}})
		require.NoError(t, err)
		want := append(lifecycle.DefaultSchedules(),
			lifecycle.Schedule{Type: lifecycle.StartDate, OffsetDays: -7})
		require.Equal(t, want, e.Schedules())
	})
}
