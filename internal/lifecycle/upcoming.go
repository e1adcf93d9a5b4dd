package lifecycle

import (
	"context"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// MaxUpcomingDays bounds the length of an Upcoming range.
const MaxUpcomingDays = 366

// Upcoming returns the occurrences that fire on a local day in [from, to]
// under the dates stored now, of the given types (every type when empty),
// sorted by fire instant. It is a projection: it neither reads nor writes
// the log, so days already past are included whether they fired or not, and
// a date changed upstream changes the answer. It fails with ErrInvalidRange
// for a range that ends before it starts or is longer than MaxUpcomingDays,
// and with ErrInvalidSchedule for a type that is not a lifecycle type.
func (e *Evaluator) Upcoming(ctx context.Context, from, to civil.Date,
	types []Type) ([]Occurrence, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	r, err := e.rulesFor(types)
	if err != nil {
		return nil, err
	}
	if len(r.schedules) == 0 {
		return nil, nil
	}
	days := span{from, to}
	window := func(*time.Location) (span, span) { return days, days }
	known := func(time.Time) bool { return true }
	occs, _, err := e.compute(ctx, r, window, days, known)
	if err != nil {
		return nil, fmt.Errorf("lifecycle: upcoming: %w", err)
	}
	return occs, nil
}

func checkRange(from, to civil.Date) error {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return fmt.Errorf("%w: %s to %s", ErrInvalidRange, from, to)
	}
	if from.AddDays(MaxUpcomingDays - 1).Before(to) {
		return fmt.Errorf("%w: %s to %s is longer than %d days",
			ErrInvalidRange, from, to, MaxUpcomingDays)
	}
	return nil
}

// rulesFor returns the evaluator's rules restricted to the schedules of
// types.
func (e *Evaluator) rulesFor(types []Type) (*rules, error) {
	r := e.rules
	if len(types) == 0 {
		return &r, nil
	}
	want := make(map[Type]bool, len(types))
	for _, t := range types {
		if !IsType(t) {
			return nil, fmt.Errorf("%w: unknown type %q", ErrInvalidSchedule, t)
		}
		want[t] = true
	}
	r.schedules = nil
	for _, s := range e.rules.schedules {
		if want[s.Type] {
			r.schedules = append(r.schedules, s)
		}
	}
	return &r, nil
}
