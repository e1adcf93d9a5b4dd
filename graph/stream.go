package graph

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
)

// CodeSlowConsumer is the extensions.code of the error that ends a stream
// whose client fell too far behind; extensions.cursor says where to resume.
const CodeSlowConsumer = "SLOW_CONSUMER"

// ErrNoBroker is returned by subscriptions when the handler was built
// without an event broker.
var ErrNoBroker = errors.New("graph: subscriptions are not available on this server")

// streamBatch bounds how many events a stream takes from its subscription
// before reading their people.
const streamBatch = 64

// streamEnd carries what a subscription's response handler needs from its
// stream: the stream itself, once the subscription resolver has started
// it, and the error that ended it. gqlgen completes a subscription when its
// channel closes, so the operation's response handler sends that error as a
// last response before completing.
type streamEnd struct {
	mu     sync.Mutex
	src    source
	err    error
	cursor string
}

type streamEndKey struct{}

func (s *streamEnd) set(err error, cursor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err, s.cursor = err, cursor
}

// take returns the error once.
func (s *streamEnd) take() (error, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err, cursor := s.err, s.cursor
	s.err = nil
	return err, cursor
}

func (s *streamEnd) setSource(src source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.src = src
}

func (s *streamEnd) source() source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.src
}

// source is the side of a stream its response handler drives: every
// response starts by pulling the subscriber's next event; only when no
// other subscriber has already resolved that event the same way is it
// pushed to the resolver's channel for the executor to resolve.
type source interface {
	// pull waits for the next event the subscriber accepts and returns its
	// id; false once the stream has ended.
	pull(ctx context.Context) (int, bool)
	// push hands the pulled event to the resolver's channel.
	push(ctx context.Context)
	// close closes the resolver's channel, so that the executor ends the
	// stream.
	close()
}

// withStream wraps a subscription's response handler: it pulls each event
// from the subscription's stream, serves a response another subscriber
// with the same selection, variables and scopes already resolved for that
// event from shared, and sends the error that ended the stream, if any,
// before the stream completes.
func withStream(ctx context.Context, next graphql.OperationHandler,
	present graphql.ErrorPresenterFunc, shared *sharedResponses) graphql.ResponseHandler {
	end := &streamEnd{}
	h := next(context.WithValue(ctx, streamEndKey{}, end))
	var key string
	keyed := false
	return func(ctx context.Context) *graphql.Response {
		if src := end.source(); src != nil {
			id, ok := src.pull(ctx)
			if ok {
				if !keyed {
					key, keyed = streamShareKey(ctx), true
				}
				resolve := func() *graphql.Response {
					src.push(ctx)
					return h(ctx)
				}
				if resp := shared.do(ctx, key, id, resolve); resp != nil {
					return resp
				}
			} else {
				src.close()
			}
		}
		if resp := h(ctx); resp != nil {
			return resp
		}
		err, cursor := end.take()
		if err == nil {
			return nil
		}
		gerr := present(ctx, err)
		gerr.Path = nil
		if cursor != "" {
			gerr.Extensions["cursor"] = cursor
		}
		return &graphql.Response{Errors: gqlerror.List{gerr}}
	}
}

// stream feeds one broker subscription to a subscription resolver's
// channel, reading the people of each batch of events once for every
// subscriber and applying the person filter. Its response handler drives
// it (see source).
type stream[T any] struct {
	r       *Resolver
	sub     *pubsub.Subscription
	filter  *eventFilter
	convert func(*ent.Event, *ent.Person) T
	out     chan T
	end     *streamEnd
	cursor  string

	// batch holds the events taken from the subscription and not yet
	// pulled, rows their people, in step; buf and rowBuf are their
	// storage.
	batch  []*ent.Event
	buf    []*ent.Event
	rows   []*ent.Person
	rowBuf []*ent.Person
	// ev and row are the pulled event, converted only when pushed.
	ev  *ent.Event
	row *ent.Person
	// ended is set once pull has reported the end; closed once out is.
	ended, closed bool
}

// subscribe starts a stream of the events after the cursor after (empty:
// live only) that filter accepts.
func subscribe[T any](ctx context.Context, r *Resolver, after *string, f *eventFilter,
	convert func(*ent.Event, *ent.Person) T) (<-chan T, error) {
	if err := auth.Require(ctx, auth.ScopeDirectoryRead); err != nil {
		return nil, err
	}
	if r.broker == nil {
		return nil, ErrNoBroker
	}
	var from int64
	if after != nil {
		var err error
		if from, err = parseEventCursor(*after); err != nil {
			return nil, err
		}
	}
	sub, err := r.broker.Subscribe(ctx, from, f.accepts)
	if err != nil {
		return nil, err
	}
	end, driven := ctx.Value(streamEndKey{}).(*streamEnd)
	if !driven {
		sub.Close()
		return nil, errUndriven
	}
	// One slot: the handler pushes an event only right before the executor
	// reads it.
	s := &stream[T]{r: r, sub: sub, filter: f, convert: convert, out: make(chan T, 1), end: end}
	if after != nil {
		s.cursor = *after
	}
	end.setSource(s)
	return s.out, nil
}

// errUndriven is returned by a subscription resolver that runs outside the
// response handler of NewHandler, which is what delivers its events.
var errUndriven = errors.New("graph: subscription resolved outside the graph handler")

func (s *stream[T]) pull(ctx context.Context) (int, bool) {
	for !s.ended {
		for len(s.batch) > 0 {
			ev, row := s.batch[0], s.rows[0]
			s.batch, s.rows = s.batch[1:], s.rows[1:]
			// The handler pulls again only once this event went out, so
			// resuming after it skips nothing.
			s.cursor = strconv.Itoa(ev.ID)
			if s.filter.matches(row) {
				s.ev, s.row = ev, row
				return ev.ID, true
			}
		}
		s.ended = !s.fill(ctx)
	}
	return 0, false
}

// fill takes the next batch of events and reads their people; false once
// the subscription or ctx has ended, after recording why the stream ended,
// unless the client went away.
func (s *stream[T]) fill(ctx context.Context) bool {
	batch := s.next(ctx)
	if len(batch) == 0 {
		s.finish(ctx)
		return false
	}
	rows, err := s.r.eventRows.rows(ctx, batch, s.rowBuf)
	if err != nil {
		if ctx.Err() == nil {
			s.end.set(err, s.cursor)
		}
		s.sub.Close()
		return false
	}
	s.batch, s.rows, s.rowBuf = batch, rows, rows
	return true
}

func (s *stream[T]) push(ctx context.Context) {
	select {
	case s.out <- s.convert(s.ev, s.row):
	case <-ctx.Done():
	}
	s.ev, s.row = nil, nil
}

func (s *stream[T]) close() {
	if !s.closed {
		s.closed = true
		close(s.out)
	}
}

// finish records why a drained subscription ended.
func (s *stream[T]) finish(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	// The channel is drained: every event the subscription accepted up to
	// its cursor went through this stream, so resuming there skips nothing.
	if err := s.sub.Err(); err != nil && !errors.Is(err, context.Canceled) {
		s.end.set(err, strconv.FormatInt(s.sub.Cursor(), 10))
	}
}

// next waits for an event and returns it with those already waiting behind
// it, up to streamBatch; nothing once the subscription or ctx has ended.
func (s *stream[T]) next(ctx context.Context) []*ent.Event {
	batch := s.buf[:0]
	select {
	case ev, ok := <-s.sub.Events():
		if !ok {
			return nil
		}
		batch = append(batch, ev)
	case <-ctx.Done():
		return nil
	}
	for len(batch) < streamBatch {
		select {
		case ev, ok := <-s.sub.Events():
			if !ok {
				return batch
			}
			batch = append(batch, ev)
		default:
			s.buf = batch
			return batch
		}
	}
	s.buf = batch
	return batch
}
