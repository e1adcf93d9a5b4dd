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

// streamEnd carries the error that ended a stream from the stream's
// goroutine to the transport: gqlgen completes a subscription when its
// channel closes, so the operation's response handler sends it as a last
// response before completing.
type streamEnd struct {
	mu     sync.Mutex
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

// withStreamEnd wraps a subscription's response handler so that the error
// that ended its stream, if any, is sent before the stream completes.
func withStreamEnd(ctx context.Context, next graphql.OperationHandler,
	present graphql.ErrorPresenterFunc) graphql.ResponseHandler {
	end := &streamEnd{}
	h := next(context.WithValue(ctx, streamEndKey{}, end))
	return func(ctx context.Context) *graphql.Response {
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

// stream forwards one broker subscription to a subscription resolver's
// channel, reading the people of each batch of events once for every
// subscriber and applying the person filter.
type stream[T any] struct {
	r       *Resolver
	sub     *pubsub.Subscription
	filter  *eventFilter
	convert func(*ent.Event, *ent.Person) T
	out     chan T
	end     *streamEnd
	cursor  string
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
	end, _ := ctx.Value(streamEndKey{}).(*streamEnd)
	if end == nil {
		end = &streamEnd{}
	}
	s := &stream[T]{r: r, sub: sub, filter: f, convert: convert, out: make(chan T), end: end}
	if after != nil {
		s.cursor = *after
	}
	go s.run(ctx)
	return s.out, nil
}

// run delivers events until the subscription or ctx ends, then records why
// the subscription ended, unless the client went away.
func (s *stream[T]) run(ctx context.Context) {
	defer close(s.out)
	defer s.sub.Close()
	for {
		batch := s.next(ctx)
		if len(batch) == 0 {
			break
		}
		rows, err := s.r.eventRows.rows(ctx, batch)
		if err != nil {
			if ctx.Err() == nil {
				s.end.set(err, s.cursor)
			}
			return
		}
		for _, ev := range batch {
			row := rows[ev.ID]
			if s.filter.matches(row) {
				select {
				case s.out <- s.convert(ev, row):
				case <-ctx.Done():
					return
				}
			}
			s.cursor = strconv.Itoa(ev.ID)
		}
	}
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
	var batch []*ent.Event
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
			return batch
		}
	}
	return batch
}
