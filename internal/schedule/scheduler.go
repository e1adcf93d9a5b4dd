package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"
)

const (
	// syncJobName names the interval sync job in gocron and in logs.
	syncJobName = "directory-sync"
	// minFirstDelay is how far ahead the first tick must be for Start to wait for it; a
	// sync due sooner counts as due now.
	minFirstDelay = time.Second
	// leaderCheckTimeout bounds the Elector call behind IsLeader and NextRun.
	leaderCheckTimeout = 5 * time.Second
)

// Scheduler runs the sync on its interval, at start-up and on demand, one run at a time.
type Scheduler struct {
	cfg     Config
	log     *slog.Logger
	clock   clockwork.Clock
	lock    RunLock
	tracker RunTracker // nil when the lock cannot share run ids
	gs      gocron.Scheduler

	runCtx     context.Context // parent of every run; cancelled at the stop timeout
	cancelRuns context.CancelCauseFunc
	closing    chan struct{} // closed when Shutdown begins
	wg         sync.WaitGroup

	lifecycle sync.Mutex // serialises Start and Shutdown

	mu      sync.Mutex
	started bool
	closed  bool
	current *run
	syncJob gocron.Job
}

// New checks cfg, reporting every problem at once, and returns a scheduler that schedules
// nothing until Start.
func New(cfg Config) (*Scheduler, error) {
	cfg.applyDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Scheduler{
		cfg:     cfg,
		log:     cfg.Logger,
		clock:   cfg.Clock,
		lock:    cfg.Lock,
		closing: make(chan struct{}),
	}
	if s.lock == nil {
		s.lock = &localLock{}
	}
	s.tracker, _ = s.lock.(RunTracker)
	gs, err := gocron.NewScheduler(s.gocronOptions()...)
	if err != nil {
		return nil, fmt.Errorf("schedule: creating the gocron scheduler: %w", err)
	}
	s.gs = gs
	s.runCtx, s.cancelRuns = context.WithCancelCause(context.Background())
	return s, nil
}

func (s *Scheduler) gocronOptions() []gocron.SchedulerOption {
	// A panic in a gocron task would end the process without a panic listener. The tasks
	// below only wait for work running on the scheduler's own goroutines, which recover
	// themselves; the listener is the safety net.
	//
	// gocron's singleton mode is not used: it hands a run to its runner before asking for
	// the next tick, so a run that ends first makes gocron count the next tick from the
	// job's start time and fire a tick twice. The tasks keep runs apart themselves.
	onPanic := gocron.AfterJobRunsWithPanic(func(_ uuid.UUID, name string, v any) {
		s.log.Error("scheduled job panicked", "job", name, "panic", fmt.Sprint(v))
	})
	opts := []gocron.SchedulerOption{
		gocron.WithClock(s.clock),
		gocron.WithLocation(s.cfg.Location),
		gocron.WithLogger(s.log.With("component", "gocron")),
		gocron.WithStopTimeout(s.cfg.StopTimeout),
		gocron.WithGlobalJobOptions(gocron.WithEventListeners(onPanic)),
	}
	if s.cfg.Elector != nil {
		opts = append(opts, gocron.WithDistributedElector(s.cfg.Elector))
	}
	return opts
}

// Start schedules the interval sync and the extra jobs and starts the scheduler. The first
// tick comes one interval after the last sync. When the last sync is an interval old or
// there never was one, and this process is the leader, Start also begins a start-up run and
// returns once it has started. ctx bounds these start-up steps only; Shutdown stops the
// scheduler.
func (s *Scheduler) Start(ctx context.Context) error {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	s.mu.Lock()
	err := s.markStarted()
	s.mu.Unlock()
	if err != nil {
		return err
	}

	first, due, err := s.firstTick(ctx)
	if err != nil {
		return err
	}
	if err := s.addJobs(first); err != nil {
		return err
	}
	s.gs.Start()
	s.log.Info("scheduler started", "interval", s.cfg.Interval, "first_tick", first,
		"leader", s.IsLeader())

	if !due || !s.leader(ctx) {
		return nil
	}
	id, joined, err := s.SyncNow(ctx, TriggerStartup)
	if err != nil {
		// A sync that cannot start is the sync's failure, not the scheduler's: the
		// interval brings the next attempt.
		s.log.Warn("start-up sync did not start", "error", err)
		return nil
	}
	s.log.Info("start-up sync started", "run_id", id, "joined", joined)
	return nil
}

// markStarted flips the started flag; the caller holds s.mu.
func (s *Scheduler) markStarted() error {
	switch {
	case s.closed:
		return ErrShutdown
	case s.started:
		return ErrAlreadyStarted
	}
	s.started = true
	return nil
}

// firstTick returns when the interval job first fires, and whether a sync is due now.
func (s *Scheduler) firstTick(ctx context.Context) (time.Time, bool, error) {
	last, ok, err := s.cfg.LastRun(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("schedule: reading the last sync: %w", err)
	}
	now := s.clock.Now()
	first := now.Add(s.cfg.Interval)
	if !ok {
		return first, true, nil
	}
	next := last.Add(s.cfg.Interval)
	if next.Sub(now) < minFirstDelay {
		return first, true, nil
	}
	if next.Before(first) {
		first = next
	}
	return first, false, nil
}

func (s *Scheduler) addJobs(first time.Time) error {
	job, err := s.gs.NewJob(
		gocron.DurationJob(s.cfg.Interval),
		gocron.NewTask(s.scheduledSync),
		gocron.WithName(syncJobName),
		gocron.WithStartAt(gocron.WithStartDateTime(first)),
	)
	if err != nil {
		return fmt.Errorf("schedule: adding the sync job: %w", err)
	}
	s.mu.Lock()
	s.syncJob = job
	s.mu.Unlock()
	for _, j := range s.cfg.Jobs {
		if _, err := s.gs.NewJob(s.definition(j), gocron.NewTask(s.jobTask(j)),
			gocron.WithName(j.Name)); err != nil {
			return fmt.Errorf("schedule: adding job %q: %w", j.Name, err)
		}
	}
	return nil
}

func (s *Scheduler) definition(j Job) gocron.JobDefinition {
	if j.Daily != nil {
		at := gocron.NewAtTime(uint(j.Daily.Hour), uint(j.Daily.Minute), 0)
		return gocron.DailyJob(1, gocron.NewAtTimes(at))
	}
	return gocron.DurationJob(j.Every)
}

// SyncNow starts a sync run, or joins the one under way in this process or, through the
// RunLock, on another replica; joined says which. It returns once the run has an id, not
// when it ends: callers follow the run by its id. The id is 0 when another replica runs and
// its RunLock cannot tell the id. SyncNow works before Start, and fails with ErrShutdown
// once Shutdown has begun.
func (s *Scheduler) SyncNow(ctx context.Context, trigger Trigger) (runID int, joined bool,
	err error,
) {
	if !trigger.Valid() {
		return 0, false, fmt.Errorf("%w: %q", ErrInvalidTrigger, trigger)
	}
	r, joined, err := s.claim(ctx, trigger)
	if err != nil {
		return 0, false, err
	}
	select {
	case <-r.startedCh:
	case <-ctx.Done():
		return 0, joined, fmt.Errorf("schedule: waiting for the run to start: %w", ctx.Err())
	}
	if r.startErr != nil {
		return 0, false, r.startErr
	}
	joined = joined || r.remote
	if joined {
		s.log.Info("sync already under way, joined it", "run_id", r.id,
			"trigger", string(trigger))
	}
	return r.id, joined, nil
}

// scheduledSync is the interval job's task. A tick that comes while a run goes on joins it.
func (s *Scheduler) scheduledSync(ctx context.Context) error {
	r, joined, err := s.claim(ctx, TriggerSchedule)
	if err != nil {
		return err
	}
	if joined {
		s.log.Info("scheduled sync joins the run under way", "trigger", string(r.trigger))
		return nil
	}
	select {
	case <-r.doneCh:
	case <-ctx.Done():
		// Shutdown: the run carries on under the scheduler's own context.
		return nil
	}
	if r.remote {
		s.log.Info("sync run under way on another replica", "run_id", r.id)
		return nil
	}
	return r.err
}

// Running returns the id of the run under way in this process, once it has one.
func (s *Scheduler) Running() (runID int, ok bool) {
	s.mu.Lock()
	r := s.current
	s.mu.Unlock()
	if r == nil {
		return 0, false
	}
	select {
	case <-r.startedCh:
		return r.id, r.startErr == nil && !r.remote && r.id != 0
	default:
		return 0, false
	}
}

// NextRun returns when the next scheduled sync fires. It is false before Start, after
// Shutdown, and on a replica that is not the leader, which runs no scheduled sync.
func (s *Scheduler) NextRun() (time.Time, bool) {
	s.mu.Lock()
	job, closed := s.syncJob, s.closed
	s.mu.Unlock()
	if job == nil || closed || !s.IsLeader() {
		return time.Time{}, false
	}
	next, err := job.NextRun()
	if err != nil || next.IsZero() {
		return time.Time{}, false
	}
	return next, true
}

// IsLeader reports whether this process runs the scheduled work.
func (s *Scheduler) IsLeader() bool {
	ctx, cancel := context.WithTimeout(context.Background(), leaderCheckTimeout)
	defer cancel()
	return s.leader(ctx)
}

func (s *Scheduler) leader(ctx context.Context) bool {
	return s.cfg.Elector == nil || s.cfg.Elector.IsLeader(ctx) == nil
}

// Shutdown stops scheduling, waits up to StopTimeout for running work to finish, then
// cancels it (cause ErrStopTimeout, so a sync rolls back) and waits for it to return, and
// finally closes the Elector. It returns an error wrapping ErrStopTimeout when it had to
// cancel work, and gives up waiting when ctx ends. Calls after the first return nil.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.lifecycle.Lock()
	defer s.lifecycle.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()
	defer s.cancelRuns(ErrShutdown)

	var errs []error
	if err := s.gs.Shutdown(); err != nil {
		errs = append(errs, fmt.Errorf("schedule: stopping gocron: %w", err))
	}
	if err := s.drain(ctx); err != nil {
		errs = append(errs, err)
	}
	if s.cfg.Elector != nil {
		if err := s.cfg.Elector.Close(); err != nil {
			errs = append(errs, fmt.Errorf("schedule: closing the elector: %w", err))
		}
	}
	s.log.Info("scheduler stopped")
	return errors.Join(errs...)
}

// drain waits for running work, cancelling it at the stop timeout or when ctx ends.
func (s *Scheduler) drain(ctx context.Context) error {
	idle := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(idle)
	}()
	timer := s.clock.NewTimer(s.cfg.StopTimeout)
	defer timer.Stop()
	select {
	case <-idle:
		return nil
	case <-timer.Chan():
	case <-ctx.Done():
	}
	s.log.Warn("cancelling running work at shutdown", "stop_timeout", s.cfg.StopTimeout)
	s.cancelRuns(ErrStopTimeout)
	select {
	case <-idle:
		return ErrStopTimeout
	case <-ctx.Done():
		return errors.Join(ErrStopTimeout,
			fmt.Errorf("schedule: waiting for cancelled work: %w", ctx.Err()))
	}
}
