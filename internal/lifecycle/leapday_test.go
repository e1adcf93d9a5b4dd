package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestLeapDayPolicies(t *testing.T) {
	cases := []struct {
		name   string
		policy lifecycle.LeapDayPolicy
		year   int
		leap   string // the day a 29 February anchor fires
		feb28  string // the day a 28 February anchor fires
	}{
		{"default policy in a common year", "", 2027, "2027-02-28", "2027-02-28"},
		{"feb28 in a common year", lifecycle.LeapDayFeb28, 2027, "2027-02-28", "2027-02-28"},
		{"mar1 in a common year", lifecycle.LeapDayMar1, 2027, "2027-03-01", "2027-02-28"},
		{"feb28 in a leap year", lifecycle.LeapDayFeb28, 2028, "2028-02-29", "2028-02-28"},
		{"mar1 in a leap year", lifecycle.LeapDayMar1, 2028, "2028-02-29", "2028-02-28"},
		{"mar1 in a century common year", lifecycle.LeapDayMar1, 2100, "2100-03-01",
			"2100-02-28"},
		{"feb28 in a 400-year leap year", lifecycle.LeapDayFeb28, 2400, "2400-02-29",
			"2400-02-28"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t)
			mustPerson(t, db, "leapling", dates{birth: "2000-02-29", start: "2024-02-29"})
			mustPerson(t, db, "feb28", dates{birth: "2001-02-28"})
			mustPerson(t, db, "mar1", dates{birth: "2001-03-01"})
			clock := clockwork.NewFakeClockAt(time.Date(tc.year, 2, 20, 0, 0, 0, 0, time.UTC))
			e := newEvaluator(t, db, clock, lifecycle.Config{LeapDay: tc.policy,
				Lookback: 24 * time.Hour})
			_, fired := drive(t, db, clock, e, 24*time.Hour,
				time.Date(tc.year, 3, 10, 0, 0, 0, 0, time.UTC))

			mar1 := civil.Date{Year: tc.year, Month: time.March, Day: 1}.String()
			require.ElementsMatch(t, []string{
				key("leapling", lifecycle.Birthday, 0, tc.leap),
				key("leapling", lifecycle.WorkAnniversary, 0, tc.leap),
				key("feb28", lifecycle.Birthday, 0, tc.feb28),
				key("mar1", lifecycle.Birthday, 0, mar1),
			}, storedKeys(t, db))
			require.Equal(t, 4, fired, "once each")

			for _, ev := range storedEvents(t, db) {
				if ev.Type == lifecycle.WorkAnniversary {
					require.Equal(t, float64(tc.year-2024), payloadOf(t, ev)["years"])
				}
			}
		})
	}
}

func TestUpcomingLeapDayAnniversaries(t *testing.T) {
	db := storetest.Open(t)
	mustPerson(t, db, "leapling", dates{start: "2024-02-29"})
	e := newEvaluator(t, db, clockwork.NewFakeClock(), lifecycle.Config{
		LeapDay: lifecycle.LeapDayMar1,
	})
	occs, err := e.Upcoming(context.Background(), civil.MustParse("2025-01-01"),
		civil.MustParse("2025-12-31"), []lifecycle.Type{lifecycle.WorkAnniversary})
	require.NoError(t, err)
	require.Len(t, occs, 1)
	require.Equal(t, civil.MustParse("2025-03-01"), occs[0].LocalDate)
	require.Equal(t, 1, occs[0].Years)
}
