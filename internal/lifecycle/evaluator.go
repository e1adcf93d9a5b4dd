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

// Evaluate fires what is due and returns how many occurrences it
// inserted. The occurrences not in the log yet are inserted in fire order,
// in one transaction that also moves the evaluation checkpoint on to now.
//
// What is due depends on the checkpoint, the instant of the last
// successful evaluation:
//   - for people that evaluation knew, every occurrence whose fire instant
//     lies in (max(now-Lookback, checkpoint), now]: run at start-up, it
//     fires once what fell due while the service was down;
//   - for everyone, occurrences on the person's local today whose fire
//     instant has passed (and is within Lookback), so that a date moved to
//     today, or a pre-hire synced on their first day after the trigger
//     hour, still fires that day;
//   - nothing else for people new since the checkpoint (added by a sync),
//     nor for anyone on a database that has no checkpoint yet: a fresh
//     install does not fire a week of past dates.
func (e *Evaluator) Evaluate(ctx context.Context) (int, error) {
	start := time.Now()
	now := e.cfg.Clock.Now().Truncate(time.Microsecond)
	cp, err := readCheckpoint(ctx, e.db.Client.Checkpoint)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: evaluate: %w", err)
	}
	after := now.Add(-e.cfg.Lookback)
	since := after
	if cp.reached.After(since) {
		since = cp.reached
	}
	hour := e.cfg.Hour
	windows := func(loc *time.Location) (span, span) {
		today := todayWindow(loc, hour, after, now)
		if !cp.exists() {
			return today, today
		}
		return union(fireWindow(loc, hour, since, now), today), today
	}
	utcDays := span{civil.DateOf(after.UTC()), civil.DateOf(now.UTC())}
	occs, seen, err := e.compute(ctx, &e.rules, windows, utcDays, cp.known)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: evaluate: %w", err)
	}
	next := checkpoint{reached: now, people: seen.latest}
	fired, err := e.store(ctx, occs, next)
	if err != nil {
		return 0, fmt.Errorf("lifecycle: evaluate: %w", err)
	}
	level := e.cfg.Logger.Debug
	if fired > 0 {
		level = e.cfg.Logger.Info
	}
	level("lifecycle evaluated", "fired", fired, "due", len(occs), "people", seen.count,
		"new", seen.fresh, "since", since, "duration", time.Since(start))
	return fired, nil
}

// loaded describes the people an evaluation looked at.
type loaded struct {
	count int
	// fresh is how many of them were new to the evaluation.
	fresh int
	// latest is the latest creation time among them; zero when none.
	latest time.Time
}

// compute loads the people and returns their occurrences in their zone's
// windows, the due one for people known says the last evaluation knew and
// the today one for the others, sorted by fire instant. Leavers are loaded
// when their end date is near utcDays.
func (e *Evaluator) compute(ctx context.Context, r *rules, w windows, utcDays span,
	known func(created time.Time) bool) ([]Occurrence, loaded, error) {
	zs := newZoneSet(&e.locs, e.cfg.DefaultZone, r.schedules, w)
	var (
		seen loaded
		occs []Occurrence
	)
	err := loadPeople(ctx, e.db.SQL, leaverEnds(utcDays, r.schedules), zs, known,
		func(p *personDates) {
			seen.count++
			if p.created.After(seen.latest) {
				seen.latest = p.created
			}
			if p.win == &p.zone.today {
				seen.fresh++
			}
			occs = r.occurrences(occs, p)
		})
	if err != nil {
		return nil, loaded{}, err
	}
	slices.SortFunc(occs, func(a, b Occurrence) int {
		return cmp.Or(a.FireAt.Compare(b.FireAt), cmp.Compare(a.Key, b.Key))
	})
	return occs, seen, nil
}
