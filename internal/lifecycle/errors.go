package lifecycle

import "errors"

var (
	// ErrInvalidConfig reports a Config that New cannot use.
	ErrInvalidConfig = errors.New("lifecycle: invalid config")
	// ErrInvalidSchedule reports a schedule with an unknown type or an
	// offset outside MaxOffsetDays.
	ErrInvalidSchedule = errors.New("lifecycle: invalid schedule")
	// ErrInvalidRange reports an Upcoming range that ends before it starts
	// or spans more than MaxUpcomingDays.
	ErrInvalidRange = errors.New("lifecycle: invalid date range")
)
