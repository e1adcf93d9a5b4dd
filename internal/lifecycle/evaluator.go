package lifecycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// Evaluator fires lifecycle occurrences into the event log. It is safe for
// concurrent use, and any number of evaluators, in one process or in
// several replicas, may run against one database: each occurrence is stored
// once.
type Evaluator struct {
	db    *store.DB
	cfg   Config
	rules rules
	locs  locationCache
}

// New returns an evaluator over db. It fails with ErrInvalidConfig or
// ErrInvalidSchedule when cfg holds values it cannot use.
func New(db *store.DB, cfg Config) (*Evaluator, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Evaluator{
		db:  db,
		cfg: cfg,
		rules: rules{
			hour:          cfg.Hour,
			leapDay:       cfg.LeapDay,
			schedules:     cfg.Schedules,
			includeHidden: cfg.IncludeHiddenBirthdays,
		},
	}, nil
}

// Schedules returns the schedules the evaluator fires: the defaults, then
// the configured extra ones.
func (e *Evaluator) Schedules() []Schedule { return slices.Clone(e.cfg.Schedules) }

// Evaluate fires what is due: every occurrence whose fire instant lies in
// (now-Lookback, now] and that the log does not hold yet is inserted, in
// fire order, in one transaction. It returns how many it inserted. Run at
// start-up, it fires what fell due while the service was down.
func (e *Evaluator) Evaluate(ctx context.Context) (int, error) {
	start := time.Now()
	now := e.cfg.Clock.Now()
	after := now.Add(-e.cfg.Lookback)
	window := func(loc *time.Location) span {
		return fireWindow(loc, e.cfg.Hour, after, now)
	}
	utcDays := span{civil.DateOf(after.UTC()), civil.DateOf(now.UTC())}
	occs, people, err := e.compute(ctx, &e.rules, window, utcDays)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: evaluate: %w", err)
	}
	fired, err := e.store(ctx, occs)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: evaluate: %w", err)
	}
	level := e.cfg.Logger.Debug
	if fired > 0 {
		level = e.cfg.Logger.Info
	}
	level("lifecycle evaluated", "fired", fired, "due", len(occs), "people", people,
		"duration", time.Since(start))
	return fired, nil
}

// compute loads the people and returns their occurrences in window (per
// zone), sorted by fire instant, and how many people it looked at. Leavers
// are loaded when their end date is near utcDays.
func (e *Evaluator) compute(ctx context.Context, r *rules, window func(*time.Location) span,
	utcDays span) ([]Occurrence, int, error) {
	zs := newZoneSet(&e.locs, e.cfg.DefaultZone, r.schedules, window)
	people, err := loadPeople(ctx, e.db.SQL, leaverEnds(utcDays, r.schedules), zs)
	if err != nil {
		return nil, 0, err
	}
	var occs []Occurrence
	for i := range people {
		occs = r.occurrences(occs, &people[i])
	}
	slices.SortFunc(occs, func(a, b Occurrence) int {
		return cmp.Or(a.FireAt.Compare(b.FireAt), cmp.Compare(a.Key, b.Key))
	})
	return occs, len(people), nil
}
