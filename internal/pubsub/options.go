package pubsub

import (
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
)

// Defaults of the broker's options.
const (
	DefaultPollInterval = 2 * time.Second
	DefaultBatchSize    = 500
	DefaultBufferSize   = 256
	DefaultMaxLag       = 10_000
	DefaultMinReconnect = 100 * time.Millisecond
	DefaultMaxReconnect = 10 * time.Second
)

// Option configures New. Values out of range keep the default.
type Option func(*options)

type options struct {
	logger       *slog.Logger
	clock        clockwork.Clock
	poll         time.Duration
	batch        int
	buffer       int
	maxLag       int64
	minReconnect time.Duration
	maxReconnect time.Duration
}

func defaultOptions() options {
	return options{
		logger:       slog.New(slog.DiscardHandler),
		clock:        clockwork.NewRealClock(),
		poll:         DefaultPollInterval,
		batch:        DefaultBatchSize,
		buffer:       DefaultBufferSize,
		maxLag:       DefaultMaxLag,
		minReconnect: DefaultMinReconnect,
		maxReconnect: DefaultMaxReconnect,
	}
}

// WithLogger sets the logger for listener events and read failures.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithClock sets the clock that drives the safety poll.
func WithClock(c clockwork.Clock) Option {
	return func(o *options) {
		if c != nil {
			o.clock = c
		}
	}
}

// WithPollInterval sets how often the broker reads the log without being
// woken, the bound on how late a lost notification makes an event.
func WithPollInterval(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.poll = d
		}
	}
}

// WithBatchSize sets how many events one read of the log returns at most.
func WithBatchSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.batch = n
		}
	}
}

// WithBufferSize sets each subscription's channel capacity. A subscriber
// whose channel is full when an event arrives catches up from the log.
func WithBufferSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.buffer = n
		}
	}
}

// WithMaxLag sets how many log positions a subscriber may fall behind the
// newest event, beyond the history it asked to replay, before it is closed
// with a SlowConsumerError.
func WithMaxLag(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxLag = n
		}
	}
}

// WithReconnect sets the Postgres listener's reconnect back-off bounds.
func WithReconnect(minWait, maxWait time.Duration) Option {
	return func(o *options) {
		if minWait > 0 && maxWait >= minWait {
			o.minReconnect, o.maxReconnect = minWait, maxWait
		}
	}
}
