package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/peoplegraph/peoplegraph/ent/event"
)

// Type is a lifecycle event type. It is the event log's own type, so stored
// events and upcoming occurrences share one vocabulary.
type Type = event.Type

// The lifecycle types.
const (
	StartDate       Type = event.TypeSTART_DATE
	EndDate         Type = event.TypeEND_DATE
	ProbationEnd    Type = event.TypePROBATION_END
	WorkAnniversary Type = event.TypeWORK_ANNIVERSARY
	Birthday        Type = event.TypeBIRTHDAY
)

// Types returns every lifecycle type, in a fixed order.
func Types() []Type {
	return []Type{StartDate, EndDate, ProbationEnd, WorkAnniversary, Birthday}
}

// IsType reports whether t is a lifecycle type (and not a directory change).
func IsType(t Type) bool { return slices.Contains(Types(), t) }

// MaxOffsetDays bounds a schedule's offset in either direction.
const MaxOffsetDays = 366

// Schedule is one trigger rule: events of Type fire OffsetDays after the
// anchor date (before it when negative). The anchor is the start, end or
// probation end date, or this year's anniversary or birthday.
type Schedule struct {
	Type       Type
	OffsetDays int
}

// String renders the schedule in the form ParseSchedules reads.
func (s Schedule) String() string { return fmt.Sprintf("%s:%d", s.Type, s.OffsetDays) }

// validate checks the type and the offset bound.
func (s Schedule) validate() error {
	if !IsType(s.Type) {
		return fmt.Errorf("%w: unknown type %q", ErrInvalidSchedule, s.Type)
	}
	if s.OffsetDays < -MaxOffsetDays || s.OffsetDays > MaxOffsetDays {
		return fmt.Errorf("%w: %s: offset beyond %d days", ErrInvalidSchedule, s, MaxOffsetDays)
	}
	return nil
}

// DefaultSchedules returns the schedules every evaluator has: each type on
// its own day, offset 0.
func DefaultSchedules() []Schedule {
	out := make([]Schedule, 0, len(Types()))
	for _, t := range Types() {
		out = append(out, Schedule{Type: t})
	}
	return out
}

// ParseSchedules reads a comma-separated list of TYPE:OFFSET entries, such as
// "START_DATE:-7,END_DATE:-1,PROBATION_END:-14". Types are case-insensitive,
// spaces around entries are ignored, and an empty string is an empty list.
// Errors wrap ErrInvalidSchedule and name the entry.
func ParseSchedules(s string) ([]Schedule, error) {
	var out []Schedule
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		sch, err := parseSchedule(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, sch)
	}
	return out, nil
}

func parseSchedule(entry string) (Schedule, error) {
	name, off, ok := strings.Cut(entry, ":")
	if !ok {
		return Schedule{}, fmt.Errorf("%w: %q is not TYPE:OFFSET", ErrInvalidSchedule, entry)
	}
	n, err := strconv.Atoi(strings.TrimSpace(off))
	if err != nil {
		return Schedule{}, fmt.Errorf("%w: %q: offset is not a whole number of days",
			ErrInvalidSchedule, entry)
	}
	sch := Schedule{Type: Type(strings.ToUpper(strings.TrimSpace(name))), OffsetDays: n}
	if err := sch.validate(); err != nil {
		return Schedule{}, err
	}
	return sch, nil
}
