package lifecycle_test

import (
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestEvaluateAcrossDaylightSavingChanges(t *testing.T) {
	cases := []struct {
		name string
		zone string
		date string
		hour int
		want time.Time // the first hourly tick at or after the fire instant
	}{
		{"London spring forward at 09:00", "Europe/London", "2026-03-29", 9,
			time.Date(2026, 3, 29, 8, 0, 0, 0, time.UTC)},
		{"London spring forward inside the gap", "Europe/London", "2026-03-29", 1,
			time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"London fall back in the repeated hour", "Europe/London", "2026-10-25", 1,
			time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)},
		{"London fall back at 09:00", "Europe/London", "2026-10-25", 9,
			time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC)},
		{"New York spring forward inside the gap", "America/New_York", "2026-03-08", 2,
			time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)},
		{"New York spring forward at 09:00", "America/New_York", "2026-03-08", 9,
			time.Date(2026, 3, 8, 13, 0, 0, 0, time.UTC)},
		{"New York fall back in the repeated hour", "America/New_York", "2026-11-01", 1,
			time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC)},
		{"New York fall back at 09:00", "America/New_York", "2026-11-01", 9,
			time.Date(2026, 11, 1, 14, 0, 0, 0, time.UTC)},
		{"Lord Howe half-hour spring forward inside the gap", "Australia/Lord_Howe",
			"2026-10-04", 2, time.Date(2026, 10, 3, 16, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t)
			mustPerson(t, db, "p1", dates{birth: "1990-" + tc.date[5:], timezone: tc.zone})
			mustPerson(t, db, "p2", dates{start: tc.date, timezone: tc.zone})
			day := civil.MustParse(tc.date)
			clock := clockwork.NewFakeClockAt(time.Date(day.Year, day.Month, day.Day-1, 12, 0,
				0, 0, time.UTC))
			e := newEvaluator(t, db, clock, lifecycle.Config{Hour: tc.hour,
				Lookback: time.Hour})
			if tc.hour == 0 {
				t.Fatal("the table needs an explicit hour")
			}
			seen, fired := drive(t, db, clock, e, time.Hour, clock.Now().Add(48*time.Hour))

			require.Equal(t, 2, fired, "each fires once")
			for _, k := range []string{
				key("p1", lifecycle.Birthday, 0, tc.date),
				key("p2", lifecycle.StartDate, 0, tc.date),
			} {
				require.Contains(t, seen, k)
				require.Equal(t, tc.want, seen[k].UTC(), k)
			}
		})
	}
}

func TestEvaluateOnBothSidesOfTheDateLine(t *testing.T) {
	db := storetest.Open(t)
	zones := map[string]string{
		"kiritimati": "Pacific/Kiritimati", // UTC+14
		"auckland":   "Pacific/Auckland",   // UTC+13 in March
		"utc":        "UTC",
		"adak":       "America/Adak",      // UTC-9 in March
		"pago":       "Pacific/Pago_Pago", // UTC-11
	}
	for id, zone := range zones {
		mustPerson(t, db, id, dates{birth: "1990-03-10", timezone: zone})
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{Lookback: time.Hour})
	seen, fired := drive(t, db, clock, e, time.Hour, time.Date(2026, 3, 12, 0, 0, 0, 0,
		time.UTC))

	require.Equal(t, len(zones), fired)
	for id, zone := range zones {
		k := key(id, lifecycle.Birthday, 0, "2026-03-10")
		require.Contains(t, seen, k, "every zone fires on its own 10 March")
		require.Equal(t, at(t, zone, "2026-03-10", 9, 0).UTC(), seen[k].UTC(), zone)
	}
	// Kiritimati's 10 March starts 25 hours before Pago Pago's.
	require.Equal(t, 24*time.Hour+time.Hour,
		seen[key("pago", lifecycle.Birthday, 0, "2026-03-10")].Sub(
			seen[key("kiritimati", lifecycle.Birthday, 0, "2026-03-10")]))
	for _, ev := range storedEvents(t, db) {
		require.Equal(t, civil.MustParse("2026-03-10"), *ev.LocalDate)
		require.Equal(t, zones[*ev.PersonID], payloadOf(t, ev)["timeZone"])
	}
}

func TestEvaluateResolvesTheZone(t *testing.T) {
	db := storetest.Open(t)
	mustLocation(t, db, "tokyo", "Asia/Tokyo")
	mustLocation(t, db, "nowhere", "Not/AZone")
	mustPerson(t, db, "own", dates{birth: "1990-05-05", timezone: "America/Chicago",
		location: "tokyo"})
	mustPerson(t, db, "from-location", dates{birth: "1990-05-05", location: "tokyo"})
	mustPerson(t, db, "bad-own", dates{birth: "1990-05-05", timezone: "Mars/Olympus",
		location: "tokyo"})
	mustPerson(t, db, "default", dates{birth: "1990-05-05"})
	mustPerson(t, db, "bad-location", dates{birth: "1990-05-05", location: "nowhere"})

	clock := clockwork.NewFakeClockAt(time.Date(2026, 5, 7, 0, 0, 0, 0, time.UTC))
	seedCheckpoint(t, db, time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC))
	e := newEvaluator(t, db, clock, lifecycle.Config{DefaultZone: mustZone(t, "Europe/Rome")})
	require.Equal(t, 5, mustEvaluate(t, e))

	want := map[string]string{
		"own": "America/Chicago", "from-location": "Asia/Tokyo", "bad-own": "Asia/Tokyo",
		"default": "Europe/Rome", "bad-location": "Europe/Rome",
	}
	for _, ev := range storedEvents(t, db) {
		zone := want[*ev.PersonID]
		require.Equal(t, zone, payloadOf(t, ev)["timeZone"], *ev.PersonID)
		require.True(t, at(t, zone, "2026-05-05", 9, 0).Equal(ev.OccurredAt), *ev.PersonID)
	}
}
