package lifecycle

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

func TestFireInstant(t *testing.T) {
	cases := []struct {
		name string
		zone string
		date string
		hour int
		want time.Time
	}{
		{"an ordinary day", "Europe/London", "2026-06-01", 9,
			time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)},
		{"a time skipped in New York fires at the end of the gap", "America/New_York",
			"2026-03-08", 2, time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)},
		{"a time skipped in London fires at the end of the gap", "Europe/London",
			"2026-03-29", 1, time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"a time repeated in London fires the first time", "Europe/London",
			"2026-10-25", 1, time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)},
		{"a time repeated in New York fires the first time", "America/New_York",
			"2026-11-01", 1, time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC)},
		{"a half-hour gap fires at its end", "Australia/Lord_Howe", "2026-10-04", 2,
			time.Date(2026, 10, 3, 15, 30, 0, 0, time.UTC)},
		{"a day the zone skipped fires when the next day begins", "Pacific/Apia",
			"2011-12-30", 9, time.Date(2011, 12, 30, 10, 0, 0, 0, time.UTC)},
		{"midnight on a date-line zone", "Pacific/Kiritimati", "2026-01-01", 0,
			time.Date(2025, 12, 31, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			require.NoError(t, err)
			got := fireInstant(civil.MustParse(tc.date), loc, tc.hour)
			require.Equal(t, tc.want, got.UTC())
		})
	}
}

func TestFireWindowIsTheDaysWhoseInstantIsInside(t *testing.T) {
	loc, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	until := time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC) // 09:00 NZDT on 11 March
	w := fireWindow(loc, 9, until.Add(-72*time.Hour), until)
	require.Equal(t, span{civil.MustParse("2026-03-09"), civil.MustParse("2026-03-11")}, w)

	w = fireWindow(loc, 9, until.Add(-time.Minute), until.Add(-time.Second))
	require.True(t, w.empty(), "no day fires in a window without its instant")
}
