package lifecycle

import (
	"sync"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// span is an inclusive range of calendar dates; empty when to is before from.
type span struct{ from, to civil.Date }

func (s span) empty() bool { return s.to.Before(s.from) }

func (s span) contains(d civil.Date) bool {
	return !d.IsZero() && !d.Before(s.from) && !d.After(s.to)
}

// shift moves both ends by n days.
func (s span) shift(n int) span { return span{s.from.AddDays(n), s.to.AddDays(n)} }

// window is the local days one group of people fires on in an evaluation,
// and the anchor dates each schedule looks at for them.
type window struct {
	// fire is the range of local days whose firing falls in the window.
	fire span
	// anchors[i] is fire shifted back by schedule i's offset.
	anchors []span
}

func newWindow(fire span, schedules []Schedule) window {
	w := window{fire: fire, anchors: make([]span, len(schedules))}
	for i, s := range schedules {
		w.anchors[i] = fire.shift(-s.OffsetDays)
	}
	return w
}

// zone is a resolved time zone with its windows in the current evaluation.
type zone struct {
	name string
	loc  *time.Location
	// due is the window of people the last evaluation knew: what fell due
	// since it ran.
	due window
	// today is the window of people new to this evaluation: only what is
	// due on the zone's current day.
	today window
}

// windows returns a zone's due and today fire days.
type windows func(loc *time.Location) (due, today span)

// zoneKey is what resolves a person's zone: their own, then their location's.
type zoneKey struct{ person, location string }

// zoneSet resolves and caches the zones of one evaluation.
type zoneSet struct {
	locs      *locationCache
	def       *time.Location
	schedules []Schedule
	windows   windows
	byKey     map[zoneKey]*zone
	byName    map[string]*zone
}

func newZoneSet(locs *locationCache, def *time.Location, schedules []Schedule,
	w windows) *zoneSet {
	return &zoneSet{
		locs: locs, def: def, schedules: schedules, windows: w,
		byKey: map[zoneKey]*zone{}, byName: map[string]*zone{},
	}
}

// resolve returns the zone for a person's own and location time zone names,
// either of which may be empty or unknown.
func (zs *zoneSet) resolve(personTZ, locationTZ string) *zone {
	k := zoneKey{personTZ, locationTZ}
	if z, ok := zs.byKey[k]; ok {
		return z
	}
	loc := zs.def
	if l := zs.locs.load(personTZ); l != nil {
		loc = l
	} else if l := zs.locs.load(locationTZ); l != nil {
		loc = l
	}
	z := zs.zone(loc)
	zs.byKey[k] = z
	return z
}

func (zs *zoneSet) zone(loc *time.Location) *zone {
	if z, ok := zs.byName[loc.String()]; ok {
		return z
	}
	due, today := zs.windows(loc)
	z := &zone{name: loc.String(), loc: loc,
		due: newWindow(due, zs.schedules), today: newWindow(today, zs.schedules)}
	zs.byName[z.name] = z
	return z
}

// locationCache loads IANA zones once per name; unknown names stay nil.
type locationCache struct {
	mu   sync.Mutex
	locs map[string]*time.Location
}

func (c *locationCache) load(name string) *time.Location {
	if name == "" || name == "Local" {
		// "Local" would be the server's zone, which is no person's.
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.locs[name]; ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = nil
	}
	if c.locs == nil {
		c.locs = map[string]*time.Location{}
	}
	c.locs[name] = l
	return l
}

// fireWindow returns the local days of loc whose firing at hour falls in
// (after, until]. Firing instants grow with the date, so they form one range.
func fireWindow(loc *time.Location, hour int, after, until time.Time) span {
	from := civil.Today(after, loc).AddDays(-1)
	for !fireInstant(from, loc, hour).After(after) {
		from = from.AddDays(1)
	}
	to := civil.Today(until, loc).AddDays(1)
	for fireInstant(to, loc, hour).After(until) {
		to = to.AddDays(-1)
	}
	return span{from, to}
}

// todayWindow returns loc's current local day at until when its firing at
// hour falls in (after, until], and an empty span otherwise.
func todayWindow(loc *time.Location, hour int, after, until time.Time) span {
	d := civil.Today(until, loc)
	if at := fireInstant(d, loc, hour); at.After(after) && !at.After(until) {
		return span{d, d}
	}
	return span{d, d.AddDays(-1)}
}

// union returns the smallest span holding a and b, which must overlap or
// touch unless one of them is empty.
func union(a, b span) span {
	switch {
	case a.empty():
		return b
	case b.empty():
		return a
	}
	return span{minDate(a.from, b.from), maxDate(a.to, b.to)}
}

func minDate(a, b civil.Date) civil.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func maxDate(a, b civil.Date) civil.Date {
	if b.After(a) {
		return b
	}
	return a
}
