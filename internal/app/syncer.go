package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/operator"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// syncer owns the sync engine and the scheduler that runs it.
type syncer struct {
	db      *store.DB
	engine  *hrsync.Engine
	sched   *schedule.Scheduler
	lock    schedule.RunLock // nil on SQLite, where one process owns the database
	metrics *metrics
	logger  *slog.Logger
	demo    bool
}

func newSyncer(
	cfg Config,
	db *store.DB,
	client *humaans.Client,
	ev *events,
	m *metrics,
	logger *slog.Logger,
) (*syncer, error) {
	s := &syncer{db: db, metrics: m, logger: logger, demo: cfg.Demo}
	s.engine = hrsync.New(db, client,
		hrsync.WithLogger(logger.With("component", "sync")),
		hrsync.WithDepartureLimit(cfg.DepartureLimit),
		hrsync.WithIncludeOffboarded(cfg.IncludeOffboarded),
		hrsync.WithDefaultTimezone(cfg.Timezone),
		hrsync.WithCustomFields(cfg.CustomFields),
		hrsync.WithRunStarted(schedule.Started),
		hrsync.WithCommitted(ev.broker.Publish),
	)
	scfg := schedule.Config{
		Interval:    cfg.SyncInterval,
		RunTimeout:  cfg.SyncTimeout,
		StopTimeout: cfg.ShutdownTimeout,
		LastRun:     s.lastRun,
		Sync:        operator.SyncFunc(s.engine, s.observeRun),
		OnRunDone:   s.runDone,
		Location:    cfg.Timezone,
		Logger:      logger.With("component", "scheduler"),
		Jobs:        []schedule.Job{ev.job(cfg.TriggerInterval)},
	}
	if db.Dialect == "postgres" {
		elector, err := schedule.NewPostgresElector(db.SQL, schedule.DefaultElectionKey,
			schedule.WithElectorLogger(logger.With("component", "elector")))
		if err != nil {
			return nil, fmt.Errorf("electing a scheduler leader: %w", err)
		}
		scfg.Elector = elector
		s.lock = schedule.NewPostgresRunLock(db.SQL, schedule.DefaultRunLockKey)
		scfg.Lock = s.lock
	}
	sched, err := schedule.New(scfg)
	if err != nil {
		if scfg.Elector != nil {
			_ = scfg.Elector.Close()
		}
		return nil, err
	}
	s.sched = sched
	return s, nil
}

func (s *syncer) start(ctx context.Context) error {
	if err := s.failInterrupted(ctx); err != nil {
		return err
	}
	return s.sched.Start(ctx)
}

// failInterrupted marks runs left RUNNING by a process that stopped mid-sync
// as failed, so that they are not reported as under way forever. On Postgres
// it does so only while holding the run lock, when no replica can be running
// one.
func (s *syncer) failInterrupted(ctx context.Context) error {
	if s.lock != nil {
		release, ok, err := s.lock.TryLock(ctx)
		if err != nil {
			return fmt.Errorf("checking for interrupted sync runs: %w", err)
		}
		if !ok {
			return nil
		}
		defer release()
	}
	n, err := s.db.Client.SyncRun.Update().
		Where(syncrun.StatusEQ(syncrun.StatusRUNNING)).
		SetStatus(syncrun.StatusFAILED).
		SetError("interrupted: the process stopped before the run finished").
		SetFinishedAt(time.Now().UTC()).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("recording interrupted sync runs: %w", err)
	}
	if n > 0 {
		s.logger.Warn("recorded interrupted sync runs as failed", "runs", n)
	}
	return nil
}

func (s *syncer) stop(ctx context.Context) error {
	return s.sched.Shutdown(ctx)
}

// lastRun tells the scheduler when the last sync finished. The demo starts a
// fresh simulator every time, so it always syncs at start-up.
func (s *syncer) lastRun(ctx context.Context) (time.Time, bool, error) {
	if s.demo {
		return time.Time{}, false, nil
	}
	run, err := s.db.Client.SyncRun.Query().
		Where(syncrun.FinishedAtNotNil()).
		Order(ent.Desc(syncrun.FieldFinishedAt)).
		First(ctx)
	switch {
	case ent.IsNotFound(err):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("reading the last sync run: %w", err)
	}
	return *run.FinishedAt, true, nil
}

// observeRun counts an ended run in the metrics under its status. A held run
// comes back without an error: it is an outcome the operator acts on, not a
// failure.
func (s *syncer) observeRun(run *ent.SyncRun, took time.Duration) {
	s.metrics.observeSync(string(run.Trigger), string(run.Status), took, time.Now())
}

// runDone records a run that could not record itself: a panic inside the
// engine leaves its row RUNNING, so it is marked FAILED here.
func (s *syncer) runDone(ctx context.Context, res schedule.RunResult) {
	var p *schedule.PanicError
	if !errors.As(res.Err, &p) || res.RunID == 0 {
		return
	}
	err := s.db.Client.SyncRun.UpdateOneID(res.RunID).
		Where(syncrun.StatusEQ(syncrun.StatusRUNNING)).
		SetStatus(syncrun.StatusFAILED).
		SetError("the sync panicked; see the service log").
		SetFinishedAt(time.Now().UTC()).
		Exec(ctx)
	if err != nil && !ent.IsNotFound(err) {
		s.logger.Error("recording a panicked sync run", "run_id", res.RunID, "error", err)
	}
}

// syncNow starts a sync or joins the one under way.
func (s *syncer) syncNow(ctx context.Context, trigger schedule.Trigger) (int, bool, error) {
	return s.sched.SyncNow(ctx, trigger)
}
