package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
)

// Defaults for the zero values of Config.
const (
	DefaultInterval         = 3 * time.Hour
	DefaultRunTimeout       = 30 * time.Minute
	DefaultStopTimeout      = 30 * time.Second
	DefaultJoinPollInterval = 250 * time.Millisecond
)

// Config configures a Scheduler. Zero durations take the defaults above.
type Config struct {
	// Interval is the time between scheduled syncs (PEOPLEGRAPH_SYNC_INTERVAL).
	Interval time.Duration
	// RunTimeout cancels a run that takes longer, with cause ErrRunTimeout.
	RunTimeout time.Duration
	// StopTimeout is how long Shutdown lets a running sync finish before cancelling it.
	StopTimeout time.Duration
	// JoinPollInterval is how often SyncNow asks the RunLock for the id of a run that
	// another replica has started but not published yet.
	JoinPollInterval time.Duration
	// LastRun reports when the last sync finished, and false when none ever did. Start
	// uses it to decide on the start-up run and to line the interval up with the last run.
	LastRun func(ctx context.Context) (time.Time, bool, error)
	// Sync runs one sync.
	Sync SyncFunc
	// OnRunDone, when set, is called after every run that ran in this process ends, once
	// its lock is released. A run whose Sync panicked has a *PanicError in Err: the sync
	// could not record its outcome, so this is the place to record the run as failed. The
	// context is detached from shutdown so that the record can still be written.
	OnRunDone func(ctx context.Context, res RunResult)
	// Clock drives the schedule and the timeouts; the real clock when nil.
	Clock clockwork.Clock
	// Location is the time zone of Job.Daily times; UTC when nil.
	Location *time.Location
	// Logger receives the scheduler's logs; slog.Default() when nil.
	Logger *slog.Logger
	// Elector decides whether this process runs scheduled work. Nil means it always does,
	// which is right for a single process (SQLite). The scheduler closes it in Shutdown.
	Elector Elector
	// Lock keeps sync runs from overlapping. Nil means an in-process lock, enough for a
	// single process; with several replicas use NewPostgresRunLock.
	Lock RunLock
	// Jobs are further periodic jobs that run only on the leader.
	Jobs []Job
}

// Job is a periodic job that runs on the leader only, one run at a time. Exactly one of Every
// and Daily is set.
type Job struct {
	// Name identifies the job in logs and must be unique.
	Name string
	// Every runs the job at this interval.
	Every time.Duration
	// Daily runs the job once a day at this time of day in Config.Location.
	Daily *TimeOfDay
	// Timeout cancels a run that takes longer, with cause ErrRunTimeout; Config.RunTimeout
	// when zero.
	Timeout time.Duration
	// Func does the work. It must stop promptly when ctx is cancelled.
	Func func(ctx context.Context) error
}

// TimeOfDay is a wall-clock time, for Job.Daily.
type TimeOfDay struct {
	Hour, Minute int
}

func (c *Config) applyDefaults() {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.RunTimeout == 0 {
		c.RunTimeout = DefaultRunTimeout
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = DefaultStopTimeout
	}
	if c.JoinPollInterval == 0 {
		c.JoinPollInterval = DefaultJoinPollInterval
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	for i := range c.Jobs {
		if c.Jobs[i].Timeout == 0 {
			c.Jobs[i].Timeout = c.RunTimeout
		}
	}
}

// validate reports every problem at once; it runs after applyDefaults.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if c.Interval < 0 {
		bad("interval %s is negative", c.Interval)
	}
	if c.RunTimeout < 0 {
		bad("run timeout %s is negative", c.RunTimeout)
	}
	if c.StopTimeout < 0 {
		bad("stop timeout %s is negative", c.StopTimeout)
	}
	if c.JoinPollInterval < 0 {
		bad("join poll interval %s is negative", c.JoinPollInterval)
	}
	if c.Sync == nil {
		bad("sync func is missing")
	}
	if c.LastRun == nil {
		bad("last-run func is missing")
	}
	names := make(map[string]bool, len(c.Jobs)+1)
	names[syncJobName] = true
	for i, j := range c.Jobs {
		if err := j.validate(); err != nil {
			bad("job %d (%q): %w", i, j.Name, err)
		}
		if j.Name != "" && names[j.Name] {
			bad("job %d: name %q is used twice", i, j.Name)
		}
		names[j.Name] = true
	}
	return errors.Join(errs...)
}

func (j Job) validate() error {
	var errs []error
	if j.Name == "" {
		errs = append(errs, errors.New("name is missing"))
	}
	if j.Func == nil {
		errs = append(errs, errors.New("func is missing"))
	}
	if (j.Every > 0) == (j.Daily != nil) {
		errs = append(errs, errors.New("set exactly one of Every and Daily"))
	}
	if j.Every < 0 {
		errs = append(errs, fmt.Errorf("every %s is negative", j.Every))
	}
	if j.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", j.Timeout))
	}
	if d := j.Daily; d != nil && (d.Hour < 0 || d.Hour > 23 || d.Minute < 0 || d.Minute > 59) {
		errs = append(errs, fmt.Errorf("daily time %02d:%02d is not a time of day", d.Hour, d.Minute))
	}
	return errors.Join(errs...)
}
