package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestUpcoming(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustPerson(t, db, "pre", dates{start: "2026-06-08", status: person.StatusPRE_HIRE,
			timezone: "Asia/Kolkata"})
		mustPerson(t, db, "vet", dates{start: "2019-06-10", birth: "1988-06-09",
			probation: "2019-09-10"})
		mustPerson(t, db, "hidden", dates{birth: "1988-06-09", hidden: true})
		mustPerson(t, db, "gone", dates{birth: "1988-06-09", end: "2026-06-09",
			status: person.StatusOFFBOARDED, departed: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		e := newEvaluator(t, db, clockwork.NewFakeClock(), lifecycle.Config{
			Schedules: []lifecycle.Schedule{{Type: lifecycle.StartDate, OffsetDays: -7}},
		})
		from, to := civil.MustParse("2026-06-01"), civil.MustParse("2026-06-10")

		t.Run("lists every type in fire order", func(t *testing.T) {
			occs, err := e.Upcoming(ctx, from, to, nil)
			require.NoError(t, err)
			var keys []string
			for _, o := range occs {
				keys = append(keys, o.Key)
			}
			require.Equal(t, []string{
				key("pre", lifecycle.StartDate, -7, "2026-06-01"),
				key("pre", lifecycle.StartDate, 0, "2026-06-08"),
				key("gone", lifecycle.EndDate, 0, "2026-06-09"),
				key("vet", lifecycle.Birthday, 0, "2026-06-09"),
				key("vet", lifecycle.WorkAnniversary, 0, "2026-06-10"),
			}, keys)
			require.Equal(t, 7, occs[4].Years)
			require.Equal(t, "Asia/Kolkata", occs[0].TimeZone)
			require.True(t, at(t, "Asia/Kolkata", "2026-06-01", 9, 0).Equal(occs[0].FireAt))
			require.Equal(t, civil.MustParse("2026-06-01"), occs[0].LocalDate)
			require.Equal(t, -7, occs[0].OffsetDays)
		})

		t.Run("filters by type", func(t *testing.T) {
			occs, err := e.Upcoming(ctx, from, to, []lifecycle.Type{lifecycle.Birthday,
				lifecycle.EndDate})
			require.NoError(t, err)
			require.Len(t, occs, 2)
			require.Equal(t, lifecycle.EndDate, occs[0].Type)
			require.Equal(t, lifecycle.Birthday, occs[1].Type)
		})

		t.Run("stores nothing", func(t *testing.T) {
			require.Empty(t, storedKeys(t, db))
		})

		t.Run("rejects bad ranges and types", func(t *testing.T) {
			_, err := e.Upcoming(ctx, to, from, nil)
			require.ErrorIs(t, err, lifecycle.ErrInvalidRange)
			_, err = e.Upcoming(ctx, from, from.AddDays(lifecycle.MaxUpcomingDays), nil)
			require.ErrorIs(t, err, lifecycle.ErrInvalidRange)
			_, err = e.Upcoming(ctx, from, from.AddDays(lifecycle.MaxUpcomingDays-1), nil)
			require.NoError(t, err)
			_, err = e.Upcoming(ctx, civil.Date{}, to, nil)
			require.ErrorIs(t, err, lifecycle.ErrInvalidRange)
			_, err = e.Upcoming(ctx, from, to, []lifecycle.Type{"PERSON_ADDED"})
			require.ErrorIs(t, err, lifecycle.ErrInvalidSchedule)
		})
	})
}

func TestUpcomingAgreesWithEvaluate(t *testing.T) {
	db := storetest.Open(t)
	zones := []string{"Pacific/Kiritimati", "Europe/London", "America/Adak", ""}
	for i := range 60 {
		day := civil.Date{Year: 1990, Month: time.January, Day: 1}.AddDays(i * 7)
		mustPerson(t, db, "p"+itoa(i), dates{
			birth:    day.String(),
			start:    day.AddDays(11000 + i).String(),
			timezone: zones[i%len(zones)],
		})
	}
	from, to := civil.MustParse("2026-01-01"), civil.MustParse("2026-12-31")
	clock := clockwork.NewFakeClockAt(time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{})
	mustEvaluate(t, e)
	for _, ev := range storedEvents(t, db) {
		require.True(t, ev.LocalDate.Before(from), "no day of the range has fired yet")
	}
	upcoming, err := e.Upcoming(context.Background(), from, to, nil)
	require.NoError(t, err)
	drive(t, db, clock, e, 7*24*time.Hour, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))

	var want []string
	for _, o := range upcoming {
		want = append(want, o.Key)
	}
	var got []string
	for _, ev := range storedEvents(t, db) {
		if !ev.LocalDate.Before(from) && !ev.LocalDate.After(to) {
			got = append(got, *ev.OccurrenceKey)
		}
	}
	require.NotEmpty(t, want)
	require.ElementsMatch(t, want, got)
}
