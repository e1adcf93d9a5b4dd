package pubsub

import (
	"context"
	"fmt"
	"sync"

	"github.com/peoplegraph/peoplegraph/ent"
)

// Subscription is one subscriber's stream of events. Its channel delivers
// the events its filter accepts, in id order, each once; it closes when the
// subscription ends, after which Err says why. Events are shared between
// subscriptions and must not be modified.
type Subscription struct {
	b      *Broker
	filter func(*ent.Event) bool
	out    chan *ent.Event
	ctx    context.Context // ends with the subscription; bounds replay reads
	cancel context.CancelFunc
	stop   func() bool // unregisters the end-on-ctx-done callback

	mu sync.Mutex
	// replaying is true while a goroutine feeds out from the log; the
	// broker then leaves the subscription alone, and that goroutine owns
	// closing out.
	replaying bool
	// cursor is the id up to which every accepted event was put on out.
	cursor int64
	// floor is where the history asked for ends: lag is counted from here.
	floor  int64
	closed bool
	err    error
	once   sync.Once
}

// Subscribe streams the events after the cursor after (an event id; 0 for
// live events only) that filter accepts (all when nil): first those already
// in the log, read from it, then new ones as they are committed, with no gap
// and no duplicate between the two. The subscription ends when ctx ends (Err
// is then ctx's error), on Close, when the broker closes (ErrClosed), or
// when it falls too far behind (a *SlowConsumerError). filter runs on the
// broker's goroutines and must be fast and not block. Subscribe fails with
// ErrNotStarted, ErrClosed or ErrInvalidCursor.
func (b *Broker) Subscribe(ctx context.Context, after int64,
	filter func(*ent.Event) bool) (*Subscription, error) {
	if after < 0 {
		return nil, fmt.Errorf("%w: %d", ErrInvalidCursor, after)
	}
	s := &Subscription{b: b, filter: filter, out: make(chan *ent.Event, b.opts.buffer)}
	s.ctx, s.cancel = context.WithCancel(ctx)

	b.mu.Lock()
	switch {
	case b.closed:
		b.mu.Unlock()
		s.cancel()
		return nil, ErrClosed
	case !b.started:
		b.mu.Unlock()
		s.cancel()
		return nil, ErrNotStarted
	}
	// Registering before reading any history is what closes the seam:
	// everything after the head reaches the subscription from the broker,
	// everything up to it is in the log for the replay to read.
	s.cursor, s.floor = max(after, b.head), b.head
	replay := after > 0 && after < b.head
	if replay {
		s.cursor, s.replaying = after, true
		b.wg.Add(1)
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()

	s.mu.Lock()
	if !s.closed {
		s.stop = context.AfterFunc(ctx, func() { s.end(context.Cause(ctx)) })
	}
	s.mu.Unlock()
	if replay {
		go s.replay()
	}
	return s, nil
}

// Events returns the channel of events. It closes when the subscription
// ends; events already on it stay readable.
func (s *Subscription) Events() <-chan *ent.Event { return s.out }

// Err returns why the subscription ended, or nil while it is open.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Cursor returns the id up to which every accepted event has been put on
// the channel; subscribing again after it resumes where this one stands.
func (s *Subscription) Cursor() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor
}

// Close ends the subscription with ErrClosed, if it has not ended already.
func (s *Subscription) Close() { s.end(ErrClosed) }

// end ends the subscription with err and removes it from the broker.
func (s *Subscription) end(err error) {
	s.mu.Lock()
	s.endLocked(err)
	s.mu.Unlock()
	s.b.mu.Lock()
	delete(s.b.subs, s)
	s.b.mu.Unlock()
}

// endLocked records err, stops reads and closes the channel, unless a
// replay goroutine owns it and will close it on its way out. It runs once.
func (s *Subscription) endLocked(err error) {
	s.once.Do(func() {
		s.closed, s.err = true, err
		if s.stop != nil {
			s.stop()
		}
		s.cancel()
		if !s.replaying {
			close(s.out)
		}
	})
}

// offer hands a batch from the broker to a live subscription, under the
// broker's lock, and reports whether it stays registered. A full channel
// sends the subscription back to the log to catch up on its own goroutine,
// so that the broker never waits for it; one that has fallen more than the
// allowed lag behind is closed as a slow consumer.
func (s *Subscription) offer(evs []*ent.Event, head int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return false
	case s.replaying:
		if head-max(s.cursor, s.floor) > s.b.opts.maxLag {
			s.b.dropped.Add(1)
			s.endLocked(&SlowConsumerError{Cursor: s.cursor})
			return false
		}
		return true
	}
	for _, e := range evs {
		id := int64(e.ID)
		if id <= s.cursor {
			continue
		}
		if s.filter != nil && !s.filter(e) {
			s.cursor = id
			continue
		}
		select {
		case s.out <- e:
			s.cursor = id
		default:
			s.replaying, s.floor = true, s.cursor
			s.b.wg.Add(1)
			go s.replay()
			return true
		}
	}
	return true
}

// replay feeds the channel from the log after the cursor until it has
// caught up with the broker, then hands the subscription back to it.
func (s *Subscription) replay() {
	defer s.b.wg.Done()
	for s.ctx.Err() == nil {
		evs, err := s.b.read(s.ctx, s.Cursor(), s.b.opts.batch)
		if err != nil {
			s.end(err)
			break
		}
		if !s.send(evs) {
			break
		}
		if len(evs) == s.b.opts.batch {
			continue
		}
		if s.b.goLive(s) {
			return
		}
	}
	// Ended while replaying, or about to be: the context may have ended
	// before its callback ran. Either way the channel is this goroutine's
	// to close, once the end is recorded.
	s.mu.Lock()
	s.endLocked(context.Cause(s.ctx))
	s.replaying = false
	close(s.out)
	s.mu.Unlock()
	s.b.mu.Lock()
	delete(s.b.subs, s)
	s.b.mu.Unlock()
}

// send puts the accepted events on the channel, waiting for the consumer,
// and reports false if the subscription ended meanwhile.
func (s *Subscription) send(evs []*ent.Event) bool {
	for _, e := range evs {
		if s.filter == nil || s.filter(e) {
			select {
			case s.out <- e:
			case <-s.ctx.Done():
				return false
			}
		}
		s.mu.Lock()
		s.cursor = int64(e.ID)
		s.mu.Unlock()
	}
	return true
}

// goLive switches a replaying subscription to live delivery if its replay
// has reached the broker's head. Holding the broker's lock keeps the head
// from moving meanwhile; events past the cursor that the broker reads later
// are the subscription's next ones, and those the replay already sent are
// skipped by id.
func (b *Broker) goLive(s *Subscription) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.cursor < b.head {
		return false
	}
	s.replaying = false
	return true
}
