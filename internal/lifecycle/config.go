package lifecycle

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/peoplegraph/peoplegraph/ent"
)

// LeapDayPolicy says on which day a 29 February birthday or anniversary
// fires in a common year.
type LeapDayPolicy string

// The leap-day policies.
const (
	// LeapDayFeb28 fires on 28 February, the last day of the birth month.
	LeapDayFeb28 LeapDayPolicy = "feb28"
	// LeapDayMar1 fires on 1 March, the day after 28 February.
	LeapDayMar1 LeapDayPolicy = "mar1"
)

// Defaults for Config fields left zero, and the product defaults callers
// apply to fields whose zero value is meaningful.
const (
	// DefaultHour is the product's default local firing hour. Config.Hour
	// is used as given (0 is midnight), so callers set it explicitly.
	DefaultHour = 9
	// DefaultLookback is how far back an evaluation after downtime fires
	// missed occurrences.
	DefaultLookback = 7 * 24 * time.Hour
)

// Config configures an Evaluator.
type Config struct {
	// DefaultZone is the company time zone, used for people whose own zone
	// and location zone are both unknown. UTC when nil.
	DefaultZone *time.Location
	// Hour is the local hour of the day (0-23) at which occurrences fire.
	// The zero value is midnight; the product default is DefaultHour.
	Hour int
	// LeapDay is the policy for 29 February anchors in common years;
	// LeapDayFeb28 when empty.
	LeapDay LeapDayPolicy
	// Lookback bounds catch-up: an evaluation never fires an occurrence
	// whose fire instant is more than Lookback before now, however long ago
	// the last evaluation ran (see Evaluator.Evaluate). DefaultLookback
	// when zero.
	Lookback time.Duration
	// Schedules are added to DefaultSchedules, e.g. {StartDate, -7} for a
	// reminder a week before someone starts. Duplicates are ignored.
	Schedules []Schedule
	// IncludeHiddenBirthdays makes birthdays that people chose to hide fire
	// too. By default they fire nothing.
	IncludeHiddenBirthdays bool
	// Clock is the source of "now"; the real clock when nil.
	Clock clockwork.Clock
	// Logger receives one line per evaluation that stored something; a
	// discarding logger when nil.
	Logger *slog.Logger
	// Notify, when set, runs inside the transaction that stored new events,
	// after they are inserted, and can fail it. It does not run when an
	// evaluation stores nothing.
	Notify func(ctx context.Context, tx *ent.Tx) error
	// Committed, when set, runs after that transaction committed, e.g. to
	// wake the local event broker.
	Committed func(ctx context.Context)
}

// withDefaults validates c and fills in the defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Hour < 0 || c.Hour > 23 {
		return c, fmt.Errorf("%w: hour %d is not 0-23", ErrInvalidConfig, c.Hour)
	}
	switch c.LeapDay {
	case "":
		c.LeapDay = LeapDayFeb28
	case LeapDayFeb28, LeapDayMar1:
	default:
		return c, fmt.Errorf("%w: leap-day policy %q is not %s or %s",
			ErrInvalidConfig, c.LeapDay, LeapDayFeb28, LeapDayMar1)
	}
	switch {
	case c.Lookback < 0:
		return c, fmt.Errorf("%w: negative lookback %s", ErrInvalidConfig, c.Lookback)
	case c.Lookback == 0:
		c.Lookback = DefaultLookback
	}
	schedules, err := mergeSchedules(c.Schedules)
	if err != nil {
		return c, err
	}
	c.Schedules = schedules
	if c.DefaultZone == nil {
		c.DefaultZone = time.UTC
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// mergeSchedules returns the default schedules followed by the valid extra
// ones, each once.
func mergeSchedules(extra []Schedule) ([]Schedule, error) {
	out := DefaultSchedules()
	seen := make(map[Schedule]bool, len(out)+len(extra))
	for _, s := range out {
		seen[s] = true
	}
	for _, s := range extra {
		if err := s.validate(); err != nil {
			return nil, err
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}
