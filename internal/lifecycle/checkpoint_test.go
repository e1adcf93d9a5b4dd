package lifecycle_test

import (
	"context"
	"math"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestEvaluateOnAFreshInstallFiresOnlyToday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustPerson(t, db, "today", dates{start: "2026-06-15", timezone: "Europe/London"})
		mustPerson(t, db, "yesterday", dates{birth: "1990-06-14", timezone: "Europe/London"})
		mustPerson(t, db, "last-week", dates{start: "2026-06-10", timezone: "Europe/London"})
		mustPerson(t, db, "later-today", dates{birth: "1990-06-15",
			timezone: "America/New_York"})
		clock := clockwork.NewFakeClockAt(at(t, "Europe/London", "2026-06-15", 10, 0))
		e := newEvaluator(t, db, clock, lifecycle.Config{})

		require.Equal(t, 1, mustEvaluate(t, e), "the install at 10:00 fires today's 09:00")
		require.Equal(t, []string{key("today", lifecycle.StartDate, 0, "2026-06-15")},
			storedKeys(t, db))
		require.True(t, clock.Now().Equal(checkpointAt(t, db)))

		// 09:00 in New York: their today has come; the past still stays unfired.
		clock.Advance(4 * time.Hour)
		require.Equal(t, 1, mustEvaluate(t, e))
		clock.Advance(24 * time.Hour)
		require.Zero(t, mustEvaluate(t, e))
		require.Equal(t, []string{
			key("today", lifecycle.StartDate, 0, "2026-06-15"),
			key("later-today", lifecycle.Birthday, 0, "2026-06-15"),
		}, storedKeys(t, db))
		require.True(t, clock.Now().Equal(checkpointAt(t, db)))
	})
}

func TestEvaluateCatchesUpAfterDowntimeWithinTheLookback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustPerson(t, db, "too-old", dates{birth: "1980-03-02"})
		mustPerson(t, db, "day5", dates{birth: "1980-03-06"})
		mustPerson(t, db, "day9", dates{start: "2026-03-10", probation: "2026-03-10"})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		e := newEvaluator(t, db, clock, lifecycle.Config{})
		require.Zero(t, mustEvaluate(t, e))

		// Down for ten days: 2 March is beyond the seven-day look-back.
		clock.Advance(10 * 24 * time.Hour)
		require.Equal(t, 3, mustEvaluate(t, e))
		require.Zero(t, mustEvaluate(t, e), "each missed occurrence fires once")
		require.Equal(t, []string{
			key("day5", lifecycle.Birthday, 0, "2026-03-06"),
			key("day9", lifecycle.ProbationEnd, 0, "2026-03-10"),
			key("day9", lifecycle.StartDate, 0, "2026-03-10"),
		}, storedKeys(t, db))

		// A restart after a short outage picks up from the checkpoint.
		restarted := newEvaluator(t, db, clock, lifecycle.Config{})
		clock.Advance(3 * 24 * time.Hour)
		require.Zero(t, mustEvaluate(t, restarted))
		require.Len(t, storedKeys(t, db), 3)
	})
}

func TestCheckpointNeverMovesBackwards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const people = 200
		for i := range people {
			mustPerson(t, db, "p"+itoa(i), dates{
				birth: civil.Date{Year: 1990, Month: time.May, Day: 1 + i%5}.String(),
			})
		}
		other := db
		if db.Dialect == dialect.Postgres {
			var err error
			other, err = store.Open(ctx, db.ConnString())
			require.NoError(t, err)
			t.Cleanup(func() { _ = other.Close() })
		}
		start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		seedCheckpoint(t, db, start)
		ahead := clockwork.NewFakeClockAt(start.Add(5 * 24 * time.Hour))
		// The second replica's clock lags an hour behind the first's.
		behind := clockwork.NewFakeClockAt(ahead.Now().Add(-time.Hour))
		replicas := []*lifecycle.Evaluator{
			newEvaluator(t, db, ahead, lifecycle.Config{}),
			newEvaluator(t, other, behind, lifecycle.Config{}),
		}
		fired := evaluateTogether(t, replicas, 4)

		require.Len(t, storedKeys(t, db), people, "a birthday each, 1-5 May")
		require.Equal(t, people, fired, "each stored once")
		require.True(t, ahead.Now().Equal(checkpointAt(t, db)),
			"the lagging replica does not pull the checkpoint back: %s", checkpointAt(t, db))
		require.Zero(t, mustEvaluate(t, replicas[1]))
		require.True(t, ahead.Now().Equal(checkpointAt(t, db)))
	})
}

func TestEvaluateNewlySyncedPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		london := mustZone(t, "Europe/London")
		day := func(date string, hour, minute int) time.Time {
			return at(t, "Europe/London", date, hour, minute)
		}
		sim, url := humaanssim.Start(t, humaanssim.Options{People: 5,
			Now: day("2026-06-01", 8, 0)})
		client, err := humaans.New(url, sim.Token(), humaans.WithRateLimit(math.Inf(1), 1),
			humaans.WithMaxAttempts(2), humaans.WithBackoff(time.Millisecond, time.Millisecond))
		require.NoError(t, err)
		clock := clockwork.NewFakeClockAt(sim.Now())
		engine := hrsync.New(db, client, hrsync.WithClock(clock))
		sync := func() {
			t.Helper()
			sim.SetNow(clock.Now())
			run, err := engine.Run(ctx, syncrun.TriggerMANUAL)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusSUCCEEDED, run.Status)
		}
		hire := func(email, start, birthday string) string {
			t.Helper()
			id, err := sim.Hire(humaanssim.NewPerson{FirstName: "New", LastName: email,
				Email: email + "@example.com", Timezone: london.String(),
				StartDate: civil.MustParse(start), Birthday: civil.MustParse(birthday)})
			require.NoError(t, err)
			return id
		}
		keysOf := func(ids ...string) []string {
			var out []string
			for _, ev := range storedEvents(t, db) {
				for _, id := range ids {
					if *ev.PersonID == id {
						out = append(out, *ev.OccurrenceKey)
					}
				}
			}
			return out
		}

		known := hire("known", "2025-01-06", "1990-06-02")
		sync()
		e := newEvaluator(t, db, clock, lifecycle.Config{DefaultZone: london})
		mustEvaluate(t, e)

		// The service is down until 09:55 on 4 June; on restart the known
		// person's birthday on 2 June is caught up.
		clock.Advance(day("2026-06-04", 9, 55).Sub(clock.Now()))
		mustEvaluate(t, e)
		require.Equal(t, []string{key(known, lifecycle.Birthday, 0, "2026-06-02")},
			keysOf(known))

		// A newcomer whose first day is today, with a birthday yesterday, is
		// synced at 10:00, after today's 09:00 trigger and the checkpoint.
		newcomer := hire("newcomer", "2026-06-04", "1991-06-03")
		clock.Advance(day("2026-06-04", 10, 0).Sub(clock.Now()))
		sync()
		stored, err := db.Client.Person.Get(ctx, newcomer)
		require.NoError(t, err)
		require.True(t, clock.Now().Equal(stored.CreatedAt),
			"the sync stamps created_at with its clock")

		clock.Advance(day("2026-06-04", 10, 5).Sub(clock.Now()))
		require.Equal(t, 1, mustEvaluate(t, e))
		require.Equal(t, []string{key(newcomer, lifecycle.StartDate, 0, "2026-06-04")},
			keysOf(newcomer), "their start fires today; yesterday's birthday does not")

		clock.Advance(day("2026-06-05", 12, 0).Sub(clock.Now()))
		mustEvaluate(t, e)
		require.Equal(t, []string{key(newcomer, lifecycle.StartDate, 0, "2026-06-04")},
			keysOf(newcomer), "nor later")
		require.Equal(t, []string{key(known, lifecycle.Birthday, 0, "2026-06-02")},
			keysOf(known))
	})
}

func TestEvaluateDoesNotFireADateMovedIntoThePast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustPerson(t, db, "p1", dates{birth: "1990-08-20"})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
		e := newEvaluator(t, db, clock, lifecycle.Config{})
		require.Zero(t, mustEvaluate(t, e))
		clock.Advance(24 * time.Hour)
		require.Zero(t, mustEvaluate(t, e))

		// Humaans corrects the birthday to two days ago: that day has been
		// evaluated already, so it is not fired late.
		require.NoError(t, db.Client.Person.UpdateOneID("p1").
			SetDateOfBirth(civil.MustParse("1990-08-09")).Exec(ctx))
		clock.Advance(time.Hour)
		require.Zero(t, mustEvaluate(t, e))

		// Corrected to today, after the trigger hour, it still fires today.
		require.NoError(t, db.Client.Person.UpdateOneID("p1").
			SetDateOfBirth(civil.MustParse("1990-08-11")).Exec(ctx))
		clock.Advance(time.Hour)
		require.Equal(t, 1, mustEvaluate(t, e))
		require.Equal(t, []string{key("p1", lifecycle.Birthday, 0, "2026-08-11")},
			storedKeys(t, db))
	})
}
