package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
)

// Defaults of a PostgresElector.
const (
	DefaultElectorInterval = 5 * time.Second
	DefaultElectorTimeout  = 5 * time.Second
)

// PostgresElector is an Elector on a Postgres session-level advisory lock held on a dedicated
// connection. On every tick the leader checks through that connection that its session still
// holds the lock, and steps down when it does not or the connection fails; a replica without
// the lock tries to take it. So when the leader's process or connection dies, another
// replica leads within about one tick after Postgres has ended the old session.
//
// Between losing its session and its next check, a leader still believes it leads: scheduled
// jobs must tolerate one extra run in that window. Sync runs are kept apart by the RunLock
// regardless.
type PostgresElector struct {
	db      *sql.DB
	key     string
	every   time.Duration
	timeout time.Duration
	clock   clockwork.Clock
	log     *slog.Logger

	leader atomic.Bool
	closed atomic.Bool
	conn   *sql.Conn // the session holding the lock; owned by the loop goroutine

	ctx       context.Context // cancelled by Close
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

var _ Elector = (*PostgresElector)(nil)

// ElectorOption configures a PostgresElector.
type ElectorOption func(*PostgresElector) error

// WithElectorInterval sets how often the elector checks or seeks leadership.
func WithElectorInterval(d time.Duration) ElectorOption {
	return func(e *PostgresElector) error {
		if d <= 0 {
			return fmt.Errorf("%w: elector interval %s is not positive", ErrInvalidConfig, d)
		}
		e.every = d
		return nil
	}
}

// WithElectorTimeout bounds each query the elector makes.
func WithElectorTimeout(d time.Duration) ElectorOption {
	return func(e *PostgresElector) error {
		if d <= 0 {
			return fmt.Errorf("%w: elector timeout %s is not positive", ErrInvalidConfig, d)
		}
		e.timeout = d
		return nil
	}
}

// WithElectorClock sets the clock behind the elector's ticks.
func WithElectorClock(c clockwork.Clock) ElectorOption {
	return func(e *PostgresElector) error {
		if c == nil {
			return fmt.Errorf("%w: elector clock is nil", ErrInvalidConfig)
		}
		e.clock = c
		return nil
	}
}

// WithElectorLogger sets the elector's logger.
func WithElectorLogger(l *slog.Logger) ElectorOption {
	return func(e *PostgresElector) error {
		if l == nil {
			return fmt.Errorf("%w: elector logger is nil", ErrInvalidConfig)
		}
		e.log = l
		return nil
	}
}

// NewPostgresElector makes one attempt at leadership of key in db's database, then keeps
// checking or retrying on its ticker until Close. Every replica must use the same key
// (DefaultElectionKey unless several deployments share a database). The leader pins one
// connection of db's pool.
func NewPostgresElector(db *sql.DB, key string, opts ...ElectorOption) (*PostgresElector,
	error,
) {
	e := &PostgresElector{
		db:      db,
		key:     key,
		every:   DefaultElectorInterval,
		timeout: DefaultElectorTimeout,
		clock:   clockwork.NewRealClock(),
		log:     slog.Default(),
		done:    make(chan struct{}),
	}
	var errs []error
	if db == nil {
		errs = append(errs, fmt.Errorf("%w: elector database is nil", ErrInvalidConfig))
	}
	if key == "" {
		errs = append(errs, fmt.Errorf("%w: elector key is empty", ErrInvalidConfig))
	}
	for _, opt := range opts {
		if err := opt(e); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.step()
	go e.loop()
	return e, nil
}

// IsLeader returns nil while this process leads, ErrNotLeader otherwise.
func (e *PostgresElector) IsLeader(context.Context) error {
	if e.closed.Load() {
		return ErrElectorClosed
	}
	if !e.leader.Load() {
		return ErrNotLeader
	}
	return nil
}

// Close stops the elector and gives up the leadership.
func (e *PostgresElector) Close() error {
	e.closeOnce.Do(func() {
		e.closed.Store(true)
		e.cancel()
		<-e.done
	})
	return nil
}

func (e *PostgresElector) loop() {
	defer close(e.done)
	ticker := e.clock.NewTicker(e.every)
	defer ticker.Stop()
	for {
		select {
		case <-e.ctx.Done():
			e.resign()
			return
		case <-ticker.Chan():
			e.step()
		}
	}
}

// step checks the leadership it holds, or tries to take it.
func (e *PostgresElector) step() {
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	defer cancel()
	if e.conn != nil {
		held, err := queryBool(ctx, e.conn, sqlHeld, e.key)
		if (err == nil && held) || e.ctx.Err() != nil {
			return // still leading, or closing: resign handles the conn
		}
		e.log.Warn("lost scheduler leadership", "key", e.key, "error", err)
		e.leader.Store(false)
		discardConn(e.conn)
		e.conn = nil
	}
	e.seek(ctx)
}

// seek tries to take the lock on a new connection, keeping the connection when it does.
func (e *PostgresElector) seek(ctx context.Context) {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		e.log.Debug("cannot connect to seek scheduler leadership", "error", err)
		return
	}
	ok, err := queryBool(ctx, conn, sqlTryLock, e.key)
	if err != nil {
		e.log.Debug("cannot seek scheduler leadership", "error", err)
		discardConn(conn)
		return
	}
	if !ok {
		_ = conn.Close()
		return
	}
	e.conn = conn
	e.leader.Store(true)
	e.log.Info("took scheduler leadership", "key", e.key)
}

// resign unlocks on the session that locked, throwing it away when that fails.
func (e *PostgresElector) resign() {
	e.leader.Store(false)
	if e.conn == nil {
		return
	}
	ctx, cancel := detached(e.ctx)
	defer cancel()
	ok, err := queryBool(ctx, e.conn, sqlUnlock, e.key)
	if err != nil || !ok {
		discardConn(e.conn)
	} else {
		_ = e.conn.Close()
	}
	e.conn = nil
	e.log.Info("gave up scheduler leadership", "key", e.key)
}
