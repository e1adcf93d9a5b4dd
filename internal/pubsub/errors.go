package pubsub

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed reports a broker that was closed, or a subscription ended
	// because its broker closed.
	ErrClosed = errors.New("pubsub: broker closed")
	// ErrNotStarted reports a Subscribe before Start.
	ErrNotStarted = errors.New("pubsub: broker not started")
	// ErrAlreadyStarted reports a second Start.
	ErrAlreadyStarted = errors.New("pubsub: broker already started")
	// ErrInvalidCursor reports a negative cursor.
	ErrInvalidCursor = errors.New("pubsub: invalid cursor")
	// ErrSlowConsumer reports a subscription closed for falling too far
	// behind the log. The error is a *SlowConsumerError.
	ErrSlowConsumer = errors.New("pubsub: subscriber too slow")
)

// SlowConsumerError ends a subscription that fell too far behind. Every
// event up to Cursor that the subscription's filter accepts was delivered on
// its channel (read them all before looking at Err); subscribing again with
// after = Cursor resumes without a gap.
type SlowConsumerError struct {
	Cursor int64
}

// Error describes the error and where to resume.
func (e *SlowConsumerError) Error() string {
	return fmt.Sprintf("%v: resume after cursor %d", ErrSlowConsumer, e.Cursor)
}

// Unwrap makes errors.Is(err, ErrSlowConsumer) hold.
func (e *SlowConsumerError) Unwrap() error { return ErrSlowConsumer }
