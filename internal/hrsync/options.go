package hrsync

import (
	"context"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
)

// DefaultDepartureLimit is the share of the directory a single sync may
// depart before the safety brake holds it.
const DefaultDepartureLimit = 0.10

// Option configures an Engine.
type Option func(*Engine)

// WithLogger sets the logger; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) { e.logger = l }
}

// WithClock sets the clock that decides "today" and stamps runs and events.
func WithClock(c clockwork.Clock) Option {
	return func(e *Engine) { e.clock = c }
}

// WithDepartureLimit sets the share (0..1) of the current directory one sync
// may depart before it is held for approval.
func WithDepartureLimit(share float64) Option {
	return func(e *Engine) { e.departureLimit = share }
}

// WithIncludeOffboarded keeps offboarded people visible: they are imported
// and kept up to date with status OFFBOARDED. Either way an offboarded person
// has departed_at set, and one who was in the directory is departed.
func WithIncludeOffboarded(include bool) Option {
	return func(e *Engine) { e.includeOffboarded = include }
}

// WithDefaultTimezone sets the company zone in which "today" is decided for
// picking current job roles.
func WithDefaultTimezone(loc *time.Location) Option {
	return func(e *Engine) {
		if loc != nil {
			e.zone = loc
		}
	}
}

// WithBatchSize sets how many rows one bulk statement writes.
func WithBatchSize(n int) Option {
	return func(e *Engine) {
		if n > 0 {
			e.batchSize = n
		}
	}
}

// WithCustomFields names custom fields (by name, case-insensitive, or id;
// "*" names them all) that are selected when they first appear in the catalogue, so that their
// values sync from that very run. Later selection changes are the
// operator's: this never re-selects a field that was deselected.
func WithCustomFields(names []string) Option {
	return func(e *Engine) { e.initialFields = append([]string(nil), names...) }
}

// WithRunStarted registers fn to be told each run's id as soon as the run
// is recorded, before the snapshot is fetched; a scheduler uses it to let
// callers join a run under way.
func WithRunStarted(fn func(ctx context.Context, runID int)) Option {
	return func(e *Engine) { e.runStarted = fn }
}

// WithCommitted registers fn to be called after a sync commits change
// events, so that a broker can wake its subscribers at once.
func WithCommitted(fn func(ctx context.Context)) Option {
	return func(e *Engine) { e.committed = fn }
}
