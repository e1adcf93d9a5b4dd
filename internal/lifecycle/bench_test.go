package lifecycle_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// BenchmarkEvaluate100k measures one day's evaluation for a directory of
// 100,000 people: each iteration moves the clock on by a day, with a
// one-day look-back, so it loads everyone, computes the day's occurrences
// and inserts them (about 600: birthdays, anniversaries, starts, ends). The
// sqlite case is the embedded in-memory database; the postgres case runs
// when PEOPLEGRAPH_TEST_DATABASE_URL is set.
func BenchmarkEvaluate100k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkEvaluate(b, storetest.Open(b)) })
	b.Run("postgres", func(b *testing.B) { benchmarkEvaluate(b, storetest.OpenPostgres(b)) })
}

func benchmarkEvaluate(b *testing.B, db *store.DB) {
	const people = 100_000
	seedDirectory(b, db, people)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	// The directory has been evaluated up to the start, so every iteration
	// is an ordinary day rather than a first evaluation.
	seedCheckpoint(b, db, clock.Now())
	e := newEvaluator(b, db, clock, lifecycle.Config{
		Lookback:  24 * time.Hour,
		Schedules: []lifecycle.Schedule{{Type: lifecycle.StartDate, OffsetDays: -7}},
	})
	ctx := context.Background()
	fired := 0
	b.ResetTimer()
	for b.Loop() {
		clock.Advance(24 * time.Hour)
		n, err := e.Evaluate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		fired += n
	}
	b.ReportMetric(float64(fired)/float64(b.N), "events/op")
	b.ReportMetric(people, "people")
}

// seedDirectory inserts n people with spread-out dates, zones of their own
// or of their location, pre-hires and leavers.
func seedDirectory(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	zones := []string{"Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Auckland",
		"America/Adak", "Pacific/Kiritimati", "Asia/Kolkata", "Australia/Lord_Howe"}
	for i, z := range zones {
		if err := db.Client.Location.Create().SetID("loc" + itoa(i)).SetTimezone(z).
			Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	day := func(from civil.Date, span int) civil.Date { return from.AddDays(rng.IntN(span)) }
	base := civil.MustParse("2026-01-01")
	const batch = 2000
	for lo := 0; lo < n; lo += batch {
		builders := make([]*ent.PersonCreate, 0, batch)
		for i := lo; i < min(lo+batch, n); i++ {
			c := db.Client.Person.Create().SetID("p" + itoa(i)).
				SetDateOfBirth(day(civil.MustParse("1960-01-01"), 45*365)).
				SetBirthdayHidden(i%20 == 0)
			switch r := i % 100; {
			case r < 5:
				c.SetStatus(person.StatusPRE_HIRE).SetStartDate(day(base, 120))
			case r < 8:
				c.SetStatus(person.StatusOFFBOARDED).SetStartDate(day(base.AddDays(-3000), 2500)).
					SetEndDate(day(base, 120)).SetDepartedAt(time.Now())
			default:
				start := day(base.AddDays(-9000), 9000)
				c.SetStatus(person.StatusACTIVE).SetStartDate(start).
					SetProbationEndDate(start.AddDays(90))
			}
			if i%3 == 0 {
				c.SetTimezone(zones[i%len(zones)])
			} else if i%3 == 1 {
				c.SetLocationID("loc" + itoa(i%len(zones)))
			}
			builders = append(builders, c)
		}
		if err := db.Client.Person.CreateBulk(builders...).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
