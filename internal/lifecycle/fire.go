package lifecycle

import (
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// fireInstant returns when an occurrence on local day d fires in loc: the
// first instant at which loc's wall clock shows hour:00 on d. When a
// daylight-saving change skips that time (spring forward), it fires at the
// end of the gap, the first wall time after it; when the clock goes back
// and shows that time twice, it fires at the first. Go's time.Date leaves
// both choices unspecified, so they are made here.
func fireInstant(d civil.Date, loc *time.Location, hour int) time.Time {
	t := d.In(loc, hour)
	want := d.In(time.UTC, hour)
	switch got := wallClock(t); {
	case got.Before(want):
		// Moved back across the gap: the gap ends when t's period does.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
	case got.After(want):
		// Moved forward across the gap: the gap ends when t's period starts.
		if start, _ := t.ZoneBounds(); !start.IsZero() {
			return start
		}
	default:
		return firstOf(t)
	}
	return t
}

// firstOf returns the earlier instant showing t's wall time, when the clock
// went back shortly before t and showed it already.
func firstOf(t time.Time) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prev := start.Add(-time.Second).Zone()
	earlier := t.Add(time.Duration(off-prev) * time.Second)
	if earlier.Before(start) && wallClock(earlier).Equal(wallClock(t)) {
		return earlier
	}
	return t
}

// wallClock returns t's local date and time of day as the same reading in
// UTC, so that wall times compare without zone offsets.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
