package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestEvaluateFiresAtTheLocalHour(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustPerson(t, db, "p1", dates{start: "2026-06-15", timezone: "Europe/London"})
		clock := clockwork.NewFakeClockAt(at(t, "Europe/London", "2026-06-15", 8, 59))
		e := newEvaluator(t, db, clock, lifecycle.Config{})

		require.Zero(t, mustEvaluate(t, e), "nothing fires before 09:00 local")
		clock.Advance(time.Minute)
		require.Equal(t, 1, mustEvaluate(t, e))
		require.Zero(t, mustEvaluate(t, e), "a second evaluation fires nothing new")
		clock.Advance(6 * time.Hour)
		require.Zero(t, mustEvaluate(t, e))

		evs := storedEvents(t, db)
		require.Len(t, evs, 1)
		ev := evs[0]
		require.Equal(t, lifecycle.StartDate, ev.Type)
		require.Equal(t, "p1", *ev.PersonID)
		require.Equal(t, civil.MustParse("2026-06-15"), *ev.LocalDate)
		require.Zero(t, ev.OffsetDays)
		require.Equal(t, "p1|START_DATE|0|2026-06-15", *ev.OccurrenceKey)
		require.True(t, at(t, "Europe/London", "2026-06-15", 9, 0).Equal(ev.OccurredAt),
			"occurred_at is the fire instant, got %s", ev.OccurredAt)
		require.Equal(t, map[string]any{"timeZone": "Europe/London"}, payloadOf(t, ev))
	})
}

func TestEvaluateDrivenThroughDays(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "starter", dates{start: "2026-05-04", timezone: "Europe/Berlin"})
	mustPerson(t, db, "leaver", dates{start: "2020-01-01", end: "2026-05-06",
		timezone: "America/New_York"})
	mustPerson(t, db, "probation", dates{start: "2026-02-05", probation: "2026-05-05"})
	mustPerson(t, db, "veteran", dates{start: "2021-05-07", birth: "1990-05-03",
		timezone: "Asia/Tokyo"})
	mustPerson(t, db, "quiet", dates{start: "2019-09-09", birth: "1985-12-24"})

	clock := clockwork.NewFakeClockAt(time.Date(2026, 5, 2, 0, 30, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{Lookback: 2 * time.Hour})
	seen, fired := drive(t, db, clock, e, time.Hour,
		time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC))

	want := map[string]time.Time{
		key("veteran", lifecycle.Birthday, 0, "2026-05-03"): at(t, "Asia/Tokyo",
			"2026-05-03", 9, 0),
		key("starter", lifecycle.StartDate, 0, "2026-05-04"): at(t, "Europe/Berlin",
			"2026-05-04", 9, 0),
		key("probation", lifecycle.ProbationEnd, 0, "2026-05-05"): time.Date(
			2026, 5, 5, 9, 0, 0, 0, time.UTC),
		key("leaver", lifecycle.EndDate, 0, "2026-05-06"): at(t, "America/New_York",
			"2026-05-06", 9, 0),
		key("veteran", lifecycle.WorkAnniversary, 0, "2026-05-07"): at(t, "Asia/Tokyo",
			"2026-05-07", 9, 0),
	}
	require.Len(t, seen, len(want))
	require.Equal(t, len(want), fired, "each occurrence is counted once")
	for k, fireAt := range want {
		got, ok := seen[k]
		require.True(t, ok, "%s did not fire", k)
		require.False(t, got.Before(fireAt), "%s fired at %s, before %s", k, got, fireAt)
		require.Less(t, got.Sub(fireAt), time.Hour, "%s fired late at %s", k, got)
	}
}

func TestEvaluateAcrossRestarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustPerson(t, db, "p1", dates{birth: "1990-03-10"})
		mustPerson(t, db, "p2", dates{start: "2026-03-10"})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))

		first := newEvaluator(t, db, clock, lifecycle.Config{})
		require.Equal(t, 2, mustEvaluate(t, first))

		restarted := newEvaluator(t, db, clock, lifecycle.Config{})
		require.Zero(t, mustEvaluate(t, restarted))
		clock.Advance(24 * time.Hour)
		require.Zero(t, mustEvaluate(t, restarted), "yesterday's occurrences are not repeated")
		require.Len(t, storedKeys(t, db), 2)
	})
}

func TestEvaluateAfterDowntime(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "before-window", dates{birth: "1980-03-01"})
	mustPerson(t, db, "day1", dates{birth: "1980-03-11"})
	mustPerson(t, db, "day2", dates{start: "2026-03-12", status: person.StatusPRE_HIRE})
	mustPerson(t, db, "day3", dates{probation: "2026-03-13", start: "2025-12-13"})
	mustPerson(t, db, "later-today", dates{birth: "1999-03-13", timezone: "America/Adak"})
	mustPerson(t, db, "tomorrow", dates{birth: "1980-03-14"})

	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{})
	require.Zero(t, mustEvaluate(t, e))

	// The service is down for three days; the occurrence of 1 March is
	// older than the look-back and stays unfired.
	clock.Advance(3 * 24 * time.Hour)
	require.Equal(t, 3, mustEvaluate(t, e))
	require.Zero(t, mustEvaluate(t, e))
	require.ElementsMatch(t, []string{
		key("day1", lifecycle.Birthday, 0, "2026-03-11"),
		key("day2", lifecycle.StartDate, 0, "2026-03-12"),
		key("day3", lifecycle.ProbationEnd, 0, "2026-03-13"),
	}, storedKeys(t, db))

	evs := storedEvents(t, db)
	for i := 1; i < len(evs); i++ {
		require.True(t, evs[i-1].OccurredAt.Before(evs[i].OccurredAt),
			"catch-up inserts in fire order")
	}
}

func TestEvaluateLookbackBoundsCatchUp(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "p1", dates{birth: "1980-03-08"})
	mustPerson(t, db, "p2", dates{birth: "1980-03-09"})
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	// The last evaluation ran three days ago, longer ago than the look-back.
	seedCheckpoint(t, db, clock.Now().Add(-3*24*time.Hour))
	e := newEvaluator(t, db, clock, lifecycle.Config{Lookback: 24 * time.Hour})
	require.Equal(t, 1, mustEvaluate(t, e))
	require.Equal(t, []string{key("p2", lifecycle.Birthday, 0, "2026-03-09")}, storedKeys(t, db))
}

func TestEvaluateReplicasStoreEachOccurrenceOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const people = 300
		ctx := context.Background()
		for i := range people {
			day := 1 + i%9
			mustPerson(t, db, "p"+itoa(i), dates{
				birth: civil.Date{Year: 1990, Month: time.April, Day: day}.String(),
				start: civil.Date{Year: 2020 + i%5, Month: time.April, Day: day}.String(),
			})
		}
		other := db
		if db.Dialect == dialect.Postgres {
			// A second replica has a connection pool of its own.
			var err error
			other, err = store.Open(ctx, db.ConnString())
			require.NoError(t, err)
			t.Cleanup(func() { _ = other.Close() })
		}
		clock := clockwork.NewFakeClockAt(time.Date(2026, 4, 9, 23, 0, 0, 0, time.UTC))
		seedCheckpoint(t, db, clock.Now().Add(-10*24*time.Hour))
		replicas := []*lifecycle.Evaluator{
			newEvaluator(t, db, clock, lifecycle.Config{Lookback: 10 * 24 * time.Hour}),
			newEvaluator(t, other, clock, lifecycle.Config{Lookback: 10 * 24 * time.Hour}),
			newEvaluator(t, db, clock, lifecycle.Config{Lookback: 10 * 24 * time.Hour}),
		}
		fired := evaluateTogether(t, replicas, 3)

		// The look-back covers 1-9 April, so everyone has a birthday and,
		// having started in 2020-2024, a work anniversary.
		want := 2 * people
		keys := storedKeys(t, db)
		require.Len(t, keys, want)
		require.Equal(t, want, fired, "the fired counts add up to what was stored")
	})
}

func TestEvaluateFollowsAMovedDate(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	mustPerson(t, db, "mover", dates{start: "2026-07-20", status: person.StatusPRE_HIRE})
	clock := clockwork.NewFakeClockAt(time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{})
	require.Zero(t, mustEvaluate(t, e))

	// Humaans moves the start forward; the next sync stores the new date.
	require.NoError(t, db.Client.Person.UpdateOneID("mover").
		SetStartDate(civil.MustParse("2026-07-15")).Exec(ctx))
	clock.Advance(5 * 24 * time.Hour)
	require.Equal(t, 1, mustEvaluate(t, e))
	clock.Advance(5 * 24 * time.Hour)
	require.Zero(t, mustEvaluate(t, e), "the old date fires nothing")
	require.Equal(t, []string{key("mover", lifecycle.StartDate, 0, "2026-07-15")},
		storedKeys(t, db))
}

func TestEvaluatePreHireStartsOnDayOne(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	mustPerson(t, db, "new", dates{start: "2026-09-01", status: person.StatusPRE_HIRE,
		timezone: "Australia/Sydney"})
	clock := clockwork.NewFakeClockAt(at(t, "Australia/Sydney", "2026-08-31", 9, 30))
	e := newEvaluator(t, db, clock, lifecycle.Config{})
	require.Zero(t, mustEvaluate(t, e))

	clock.Advance(24 * time.Hour)
	require.Equal(t, 1, mustEvaluate(t, e))

	// The sync turns the pre-hire active later that day: nothing new fires.
	require.NoError(t, db.Client.Person.UpdateOneID("new").
		SetStatus(person.StatusACTIVE).Exec(ctx))
	clock.Advance(time.Hour)
	require.Zero(t, mustEvaluate(t, e))
	require.Equal(t, []string{key("new", lifecycle.StartDate, 0, "2026-09-01")},
		storedKeys(t, db))
}

func TestEvaluateEndDateOfPeopleWhoLeft(t *testing.T) {
	day := "2026-10-16"
	morning := at(t, "Europe/Paris", day, 7, 0)

	t.Run("fires when the sync departed them that morning", func(t *testing.T) {
		db := storetest.Open(t)
		mustPerson(t, db, "leaver", dates{start: "2022-01-10", end: day, birth: "1990-10-16",
			timezone: "Europe/Paris", status: person.StatusOFFBOARDED, departed: morning})
		clock := clockwork.NewFakeClockAt(at(t, "Europe/Paris", day, 9, 0))
		e := newEvaluator(t, db, clock, lifecycle.Config{})
		require.Equal(t, 1, mustEvaluate(t, e))
		require.Equal(t, []string{key("leaver", lifecycle.EndDate, 0, day)}, storedKeys(t, db),
			"only the end date fires for someone who left; not their birthday")
	})

	t.Run("fires when offboarded but not yet departed", func(t *testing.T) {
		db := storetest.Open(t)
		mustPerson(t, db, "leaver", dates{end: day, status: person.StatusOFFBOARDED})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 10, 16, 10, 0, 0, 0, time.UTC))
		require.Equal(t, 1, mustEvaluate(t, newEvaluator(t, db, clock, lifecycle.Config{})))
	})

	t.Run("is caught up after downtime", func(t *testing.T) {
		db := storetest.Open(t)
		mustPerson(t, db, "leaver", dates{end: day, status: person.StatusOFFBOARDED,
			departed: morning, timezone: "Europe/Paris"})
		clock := clockwork.NewFakeClockAt(morning.Add(3 * 24 * time.Hour))
		seedCheckpoint(t, db, morning)
		require.Equal(t, 1, mustEvaluate(t, newEvaluator(t, db, clock, lifecycle.Config{})))
	})

	t.Run("reminders before the end fire only while they are here", func(t *testing.T) {
		db := storetest.Open(t)
		mustPerson(t, db, "gone-early", dates{end: day, status: person.StatusOFFBOARDED,
			departed: morning.Add(-3 * 24 * time.Hour)})
		mustPerson(t, db, "staying", dates{end: day})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC))
		e := newEvaluator(t, db, clock, lifecycle.Config{
			Schedules: []lifecycle.Schedule{{Type: lifecycle.EndDate, OffsetDays: -1}},
		})
		require.Equal(t, 1, mustEvaluate(t, e))
		require.Equal(t, []string{key("staying", lifecycle.EndDate, -1, "2026-10-15")},
			storedKeys(t, db))
	})

	t.Run("does not fire for people who left long ago", func(t *testing.T) {
		db := storetest.Open(t)
		mustPerson(t, db, "old", dates{end: "2026-09-01", birth: "1970-10-16",
			status: person.StatusOFFBOARDED, departed: morning.AddDate(0, -2, 0)})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 10, 16, 10, 0, 0, 0, time.UTC))
		require.Zero(t, mustEvaluate(t, newEvaluator(t, db, clock, lifecycle.Config{})))
	})
}

func TestEvaluateHiddenBirthdays(t *testing.T) {
	for _, tc := range []struct {
		name    string
		include bool
		want    int
	}{
		{"fire nothing by default", false, 1},
		{"fire when included", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t)
			mustPerson(t, db, "shown", dates{birth: "1991-11-02"})
			mustPerson(t, db, "hidden", dates{birth: "1992-11-02", hidden: true})
			clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC))
			e := newEvaluator(t, db, clock, lifecycle.Config{IncludeHiddenBirthdays: tc.include})
			require.Equal(t, tc.want, mustEvaluate(t, e))
		})
	}
}

func TestEvaluateOffsets(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "p1", dates{start: "2026-03-20", probation: "2026-06-20",
		end: "2026-12-31", birth: "1990-01-01", status: person.StatusPRE_HIRE})
	schedules, err := lifecycle.ParseSchedules(
		"START_DATE:-7, END_DATE:-1, PROBATION_END:-14, BIRTHDAY:+1, START_DATE:0")
	require.NoError(t, err)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{
		Schedules: schedules, Lookback: 24 * time.Hour,
	})
	seen, fired := drive(t, db, clock, e, 24*time.Hour,
		time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC))

	want := []string{
		key("p1", lifecycle.Birthday, 0, "2026-01-01"),
		key("p1", lifecycle.Birthday, 1, "2026-01-02"),
		key("p1", lifecycle.StartDate, -7, "2026-03-13"),
		key("p1", lifecycle.StartDate, 0, "2026-03-20"),
		key("p1", lifecycle.ProbationEnd, -14, "2026-06-06"),
		key("p1", lifecycle.ProbationEnd, 0, "2026-06-20"),
		key("p1", lifecycle.EndDate, -1, "2026-12-30"),
		key("p1", lifecycle.EndDate, 0, "2026-12-31"),
		key("p1", lifecycle.Birthday, 0, "2027-01-01"),
		key("p1", lifecycle.Birthday, 1, "2027-01-02"),
	}
	require.Equal(t, want, storedKeys(t, db), "in fire order")
	require.Len(t, seen, len(want))
	require.Equal(t, len(want), fired)
	for _, ev := range storedEvents(t, db) {
		anchor := ev.LocalDate.AddDays(-ev.OffsetDays)
		require.Equal(t, lifecycle.OccurrenceKey(*ev.PersonID, ev.Type, ev.OffsetDays,
			*ev.LocalDate), *ev.OccurrenceKey)
		require.NotZero(t, anchor)
	}
}

func TestEvaluateWorkAnniversaries(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "p1", dates{start: "2023-08-14"})
	clock := clockwork.NewFakeClockAt(time.Date(2023, 8, 14, 0, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{})
	drive(t, db, clock, e, 7*24*time.Hour, time.Date(2026, 8, 20, 0, 0, 0, 0, time.UTC))

	evs := storedEvents(t, db)
	var anniversaries []float64
	for _, ev := range evs {
		if ev.Type == lifecycle.WorkAnniversary {
			require.Equal(t, 8, int(ev.LocalDate.Month))
			require.Equal(t, 14, ev.LocalDate.Day)
			anniversaries = append(anniversaries, payloadOf(t, ev)["years"].(float64))
		}
	}
	require.Equal(t, []float64{1, 2, 3}, anniversaries, "not on the start day itself")
	require.Equal(t, lifecycle.StartDate, evs[0].Type)
}

func TestEvaluatePeopleWhoLeftFireNothingElse(t *testing.T) {
	db := storetest.Open(t)
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	mustPerson(t, db, "departed", dates{birth: "1990-04-01", departed: now.AddDate(0, -1, 0)})
	mustPerson(t, db, "offboarded", dates{birth: "1990-04-01", status: person.StatusOFFBOARDED})
	mustPerson(t, db, "here", dates{birth: "1990-04-01"})
	clock := clockwork.NewFakeClockAt(now)
	require.Equal(t, 1, mustEvaluate(t, newEvaluator(t, db, clock, lifecycle.Config{})))
	require.Equal(t, []string{key("here", lifecycle.Birthday, 0, "2026-04-01")},
		storedKeys(t, db))
}

func TestEvaluateRunsTheHooksInsideTheTransaction(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "p1", dates{birth: "1990-04-01"})
	clock := clockwork.NewFakeClockAt(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
	var notified, committed int
	e := newEvaluator(t, db, clock, lifecycle.Config{
		Notify: func(ctx context.Context, tx *ent.Tx) error {
			notified++
			n, err := tx.Event.Query().Count(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the hook sees the new event in its transaction")
			if notified == 1 {
				return errHook
			}
			return nil
		},
		Committed: func(context.Context) { committed++ },
	})
	_, err := e.Evaluate(context.Background())
	require.ErrorIs(t, err, errHook)
	require.Empty(t, storedKeys(t, db), "a failing hook rolls the insert back")
	require.Zero(t, committed)

	require.Equal(t, 1, mustEvaluate(t, e))
	require.Equal(t, 1, committed)
	require.Zero(t, mustEvaluate(t, e))
	require.Equal(t, 2, notified, "no hook runs when nothing is stored")
	require.Equal(t, 1, committed)
}
