package pubsub

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// Broker reads the event log and fans it out to subscriptions. One read of
// the log serves every subscription. It is safe for concurrent use.
type Broker struct {
	db   *store.DB
	opts options

	// wake holds at most one pending wake-up for the pump.
	wake chan struct{}

	mu      sync.Mutex
	started bool
	closed  bool
	head    int64 // id of the last event read and fanned out
	subs    map[*Subscription]struct{}

	cancel   context.CancelFunc
	wg       sync.WaitGroup
	listener *pq.Listener

	wakes, reads, reconnects, dropped atomic.Int64
}

// New returns a broker over db's event log. It reads nothing until Start.
func New(db *store.DB, opts ...Option) *Broker {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	return &Broker{
		db:   db,
		opts: o,
		wake: make(chan struct{}, 1),
		subs: make(map[*Subscription]struct{}),
	}
}

// Start positions the broker at the end of the log, opens the Postgres
// listening connection (its own, outside the pool) and starts the goroutines
// that read the log. The broker runs until Close or until ctx ends; either
// closes every subscription with ErrClosed. It fails with ErrAlreadyStarted
// or ErrClosed when called twice or after Close.
func (b *Broker) Start(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return ErrClosed
	case b.started:
		return ErrAlreadyStarted
	}
	head, err := b.lastID(ctx)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	if b.db.Dialect == dialect.Postgres {
		if err := b.listen(runCtx); err != nil {
			cancel()
			return err
		}
	}
	b.head, b.started, b.cancel = head, true, cancel
	b.wg.Add(1)
	go b.pump(runCtx)
	return nil
}

// Close stops the broker, closes every subscription with ErrClosed and waits
// for the broker's goroutines. It is safe to call more than once.
func (b *Broker) Close() error {
	b.mu.Lock()
	cancel := b.cancel
	if !b.started {
		b.closed = true
	}
	b.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	b.wg.Wait()
	b.mu.Lock()
	l := b.listener
	b.listener = nil
	b.mu.Unlock()
	if l != nil {
		if err := l.Close(); err != nil {
			return fmt.Errorf("pubsub: close listener: %w", err)
		}
	}
	return nil
}

// Publish wakes the broker to read the log, typically right after a commit
// that wrote events in this process. It never blocks, and wake-ups that
// arrive while one is pending merge into it. The context is not used; it is
// there for callers that hold one.
func (b *Broker) Publish(context.Context) {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Stats is a snapshot of the broker's counters.
type Stats struct {
	// Subscribers is the number of open subscriptions.
	Subscribers int
	// Head is the id of the last event the broker read.
	Head int64
	// Wakes counts wake-ups: Publish calls, notifications, polls.
	Wakes int64
	// Reads counts reads of the log by the broker (not by replays).
	Reads int64
	// Reconnects counts re-established Postgres listening connections.
	Reconnects int64
	// Dropped counts subscriptions closed as slow consumers.
	Dropped int64
}

// Stats returns the broker's counters.
func (b *Broker) Stats() Stats {
	b.mu.Lock()
	n, head := len(b.subs), b.head
	b.mu.Unlock()
	return Stats{
		Subscribers: n, Head: head,
		Wakes: b.wakes.Load(), Reads: b.reads.Load(),
		Reconnects: b.reconnects.Load(), Dropped: b.dropped.Load(),
	}
}

// lastID returns the id of the newest event, or 0 for an empty log.
func (b *Broker) lastID(ctx context.Context) (int64, error) {
	var id int64
	err := b.db.SQL.QueryRowContext(ctx,
		"SELECT COALESCE(MAX("+event.FieldID+"), 0) FROM "+event.Table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("pubsub: read log head: %w", err)
	}
	return id, nil
}

// read returns up to n events after id, in id order.
func (b *Broker) read(ctx context.Context, after int64, n int) ([]*ent.Event, error) {
	evs, err := b.db.Client.Event.Query().
		Where(event.IDGT(int(after))).
		Order(ent.Asc(event.FieldID)).
		Limit(n).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("pubsub: read log after %d: %w", after, err)
	}
	return evs, nil
}
