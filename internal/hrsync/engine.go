// Package hrsync mirrors the Humaans directory into the database: it reads
// a snapshot, computes the field-level difference with the stored people
// and applies it in one transaction together with change events and the
// run's record. A safety brake holds syncs that would depart too many
// people, or that saw an empty or partial upstream, for an operator.
package hrsync

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// Source reads everything a sync needs from Humaans in one pass, custom
// values left out when the sync keeps no custom field.
// *humaans.Client satisfies it.
type Source interface {
	Snapshot(ctx context.Context, opts ...humaans.SnapshotOption) (*humaans.Snapshot, error)
}

// defaultBatchSize keeps a bulk statement's bind parameters well under
// SQLite's and Postgres' limits.
const defaultBatchSize = 500

// Engine runs directory syncs. Its methods may be called from several
// goroutines; syncs, approvals and discards run one at a time.
type Engine struct {
	db                *store.DB
	src               Source
	logger            *slog.Logger
	clock             clockwork.Clock
	departureLimit    float64
	includeOffboarded bool
	zone              *time.Location
	batchSize         int
	initialFields     []string
	runStarted        func(ctx context.Context, runID int)
	committed         func(ctx context.Context)

	mu sync.Mutex
}

// New returns an engine syncing src into db.
func New(db *store.DB, src Source, opts ...Option) *Engine {
	e := &Engine{
		db:             db,
		src:            src,
		logger:         slog.New(slog.DiscardHandler),
		clock:          clockwork.NewRealClock(),
		departureLimit: DefaultDepartureLimit,
		zone:           time.UTC,
		batchSize:      defaultBatchSize,
	}
	for _, opt := range opts {
		opt(e)
	}
	return e
}

// now returns the clock's time at the database's precision.
func (e *Engine) now() time.Time {
	return e.clock.Now().UTC().Truncate(time.Microsecond)
}

// Run performs one sync and returns its recorded run. The run is RUNNING in
// the database while the snapshot is read, then SUCCEEDED, HELD (nothing
// applied, see HeldReason) or FAILED. The error is non-nil exactly when the
// run failed; the directory is then untouched.
func (e *Engine) Run(ctx context.Context, trigger syncrun.Trigger) (*ent.SyncRun, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	start := time.Now()
	run, err := e.db.Client.SyncRun.Create().SetTrigger(trigger).SetStartedAt(e.now()).Save(ctx)
	if err != nil {
		return nil, fmtErr("record run", err)
	}
	e.logger.Debug("sync started", "run", run.ID, "trigger", trigger)
	if e.runStarted != nil {
		e.runStarted(ctx, run.ID)
	}
	res := e.sync(ctx, run, nil)
	return e.finish(ctx, run, res, start)
}
