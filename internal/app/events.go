package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// events owns the event stream: the broker that wakes subscribers on every
// replica, and the lifecycle evaluator that the leader runs.
type events struct {
	broker *pubsub.Broker
	eval   *lifecycle.Evaluator
	logger *slog.Logger
	wg     sync.WaitGroup
	// flushes are called on every event the broker delivers.
	flushes []func()
}

// onChange registers flush to be called whenever the log gains an event.
// It must be called before start.
func (ev *events) onChange(flush func()) {
	ev.flushes = append(ev.flushes, flush)
}

func newEvents(cfg Config, db *store.DB, logger *slog.Logger) (*events, error) {
	ev := &events{
		broker: pubsub.New(db, pubsub.WithLogger(logger.With("component", "events"))),
		logger: logger.With("component", "lifecycle"),
	}
	var err error
	ev.eval, err = lifecycle.New(db, lifecycle.Config{
		DefaultZone:            cfg.Timezone,
		Hour:                   cfg.TriggerHour,
		LeapDay:                cfg.LeapDayPolicy,
		Lookback:               cfg.Lookback,
		Schedules:              cfg.TriggerSchedules,
		IncludeHiddenBirthdays: cfg.IncludeHiddenBirthdays,
		Logger:                 ev.logger,
		Committed:              ev.broker.Publish,
	})
	if err != nil {
		return nil, fmt.Errorf("configuring lifecycle triggers: %w", err)
	}
	return ev, nil
}

// job is the leader-only periodic evaluation of lifecycle triggers.
func (ev *events) job(every time.Duration) schedule.Job {
	return schedule.Job{
		Name:  "lifecycle-triggers",
		Every: every,
		Func: func(ctx context.Context) error {
			_, err := ev.eval.Evaluate(ctx)
			return err
		},
	}
}

// start starts the broker, and on the leader fires at once whatever fell due
// while the service was down, rather than waiting for the first tick.
func (ev *events) start(ctx context.Context, leader bool) error {
	if err := ev.broker.Start(ctx); err != nil {
		return fmt.Errorf("starting the event broker: %w", err)
	}
	if len(ev.flushes) > 0 {
		sub, err := ev.broker.Subscribe(ctx, 0, nil)
		if err != nil {
			return fmt.Errorf("following the event log: %w", err)
		}
		ev.wg.Add(1)
		go ev.follow(sub)
	}
	if !leader {
		return nil
	}
	ev.wg.Add(1)
	go func() {
		defer ev.wg.Done()
		if _, err := ev.eval.Evaluate(ctx); err != nil && ctx.Err() == nil {
			ev.logger.Error("start-up evaluation of lifecycle triggers failed", "error", err)
		}
	}()
	return nil
}

// follow calls the flushes for every event until the subscription ends. A
// subscription cut off for lagging is renewed from its cursor; the cache is
// emptied then too, since events were missed.
func (ev *events) follow(sub *pubsub.Subscription) {
	defer ev.wg.Done()
	for {
		for range sub.Events() {
			for _, flush := range ev.flushes {
				flush()
			}
		}
		for _, flush := range ev.flushes {
			flush()
		}
		if !errors.Is(sub.Err(), pubsub.ErrSlowConsumer) {
			return
		}
		next, err := ev.broker.Subscribe(context.Background(), sub.Cursor(), nil)
		if err != nil {
			return
		}
		sub = next
	}
}

// stop ends every subscription and waits for the start-up evaluation.
func (ev *events) stop() error {
	err := ev.broker.Close()
	ev.wg.Wait()
	return err
}
