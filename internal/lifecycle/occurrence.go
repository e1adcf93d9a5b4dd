package lifecycle

import (
	"strconv"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Occurrence is one firing of a schedule for one person.
type Occurrence struct {
	// Key identifies the occurrence: "person|type|offset|local date". The
	// log stores each key once.
	Key        string
	PersonID   string
	Type       Type
	OffsetDays int
	// LocalDate is the person's local day on which it fires: the anchor
	// date plus OffsetDays.
	LocalDate civil.Date
	// TimeZone is the IANA name of the zone the day is local to.
	TimeZone string
	// FireAt is the instant it fires: LocalDate at the configured hour.
	FireAt time.Time
	// Years is the number of full years of service, for WORK_ANNIVERSARY.
	Years int
}

// OccurrenceKey returns the key of an occurrence; see Occurrence.Key.
func OccurrenceKey(personID string, t Type, offsetDays int, localDate civil.Date) string {
	return personID + "|" + string(t) + "|" + strconv.Itoa(offsetDays) + "|" + localDate.String()
}

// personDates are the columns of a person that lifecycle triggers read.
type personDates struct {
	id         string
	current    bool // not departed, and active or a pre-hire
	start      civil.Date
	end        civil.Date
	probation  civil.Date
	birth      civil.Date
	hiddenBday bool
	zone       *zone
	// created is when the row was inserted, by the inserter's clock.
	created time.Time
	// win is the zone's window that applies: due for people the last
	// evaluation knew, today for people new to this one.
	win *window
}

// rules computes occurrences from dates.
type rules struct {
	hour          int
	leapDay       LeapDayPolicy
	schedules     []Schedule
	includeHidden bool
}

// occurrences appends p's occurrences that fire on a day of p.win.
func (r *rules) occurrences(out []Occurrence, p *personDates) []Occurrence {
	w := p.win
	if w.fire.empty() {
		return out
	}
	for i, s := range r.schedules {
		if !r.eligible(p, s) {
			continue
		}
		anchors := w.anchors[i]
		switch s.Type {
		case StartDate:
			out = r.once(out, p, s, p.start, anchors)
		case EndDate:
			out = r.once(out, p, s, p.end, anchors)
		case ProbationEnd:
			out = r.once(out, p, s, p.probation, anchors)
		case WorkAnniversary:
			out = r.yearly(out, p, s, p.start, anchors)
		case Birthday:
			out = r.yearly(out, p, s, p.birth, anchors)
		}
	}
	return out
}

// eligible reports whether schedule s applies to p at all. People in the
// directory get every schedule. Someone who has left gets only END_DATE on
// or after the end date itself: the sync may well depart a person on the
// morning of their last day, before the trigger hour, and offboarding must
// still fire.
func (r *rules) eligible(p *personDates, s Schedule) bool {
	if s.Type == Birthday && p.hiddenBday && !r.includeHidden {
		return false
	}
	return p.current || (s.Type == EndDate && s.OffsetDays >= 0)
}

// once handles the one-off anchors: start, end and probation end dates.
func (r *rules) once(out []Occurrence, p *personDates, s Schedule, d civil.Date,
	anchors span) []Occurrence {
	if !anchors.contains(d) {
		return out
	}
	return append(out, r.occurrence(p, s, d, 0))
}

// yearly handles anniversaries of d (birthdays and work anniversaries),
// which never fire in d's own year.
func (r *rules) yearly(out []Occurrence, p *personDates, s Schedule, d civil.Date,
	anchors span) []Occurrence {
	if d.IsZero() {
		return out
	}
	for y := max(anchors.from.Year, d.Year+1); y <= anchors.to.Year; y++ {
		a := r.anniversary(d, y)
		if anchors.contains(a) {
			out = append(out, r.occurrence(p, s, a, y-d.Year))
		}
	}
	return out
}

// anniversary returns the day d recurs on in year y, applying the leap-day
// policy to 29 February in common years.
func (r *rules) anniversary(d civil.Date, y int) civil.Date {
	if d.Month == time.February && d.Day == 29 && !civil.IsLeapYear(y) {
		if r.leapDay == LeapDayMar1 {
			return civil.Date{Year: y, Month: time.March, Day: 1}
		}
		return civil.Date{Year: y, Month: time.February, Day: 28}
	}
	return civil.Date{Year: y, Month: d.Month, Day: d.Day}
}

func (r *rules) occurrence(p *personDates, s Schedule, anchor civil.Date, years int) Occurrence {
	day := anchor.AddDays(s.OffsetDays)
	o := Occurrence{
		Key:        OccurrenceKey(p.id, s.Type, s.OffsetDays, day),
		PersonID:   p.id,
		Type:       s.Type,
		OffsetDays: s.OffsetDays,
		LocalDate:  day,
		TimeZone:   p.zone.name,
		FireAt:     fireInstant(day, p.zone.loc, r.hour),
	}
	if s.Type == WorkAnniversary {
		o.Years = years
	}
	return o
}
