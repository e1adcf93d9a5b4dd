package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"
)

// PostgresRunLock is a RunLock and RunTracker on a Postgres session-level advisory lock. Each
// hold pins one connection of the pool for the length of the run. It does not work through a
// transaction-mode connection pooler, which does not keep sessions.
type PostgresRunLock struct {
	db        *sql.DB
	key       string
	markerKey string

	mu     sync.Mutex
	held   *sql.Conn // the session holding the lock, nil when not held
	marked int       // the run id published on held, 0 when none
}

var (
	_ RunLock    = (*PostgresRunLock)(nil)
	_ RunTracker = (*PostgresRunLock)(nil)
)

// NewPostgresRunLock returns a run lock on the advisory lock named key in db's database.
// Every replica must use the same key (DefaultRunLockKey unless several deployments share a
// database).
func NewPostgresRunLock(db *sql.DB, key string) *PostgresRunLock {
	return &PostgresRunLock{db: db, key: key, markerKey: key + ":run"}
}

// TryLock takes the lock on a dedicated connection without waiting.
func (l *PostgresRunLock) TryLock(ctx context.Context) (func(), bool, error) {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("schedule: connecting for the run lock: %w", err)
	}
	ok, err := queryBool(ctx, conn, sqlTryLock, l.key)
	if err != nil {
		discardConn(conn)
		return nil, false, fmt.Errorf("schedule: taking the run lock: %w", err)
	}
	if !ok {
		_ = conn.Close()
		return nil, false, nil
	}
	l.mu.Lock()
	l.held, l.marked = conn, 0
	l.mu.Unlock()
	return sync.OnceFunc(func() { l.release(ctx, conn) }), true, nil
}

// release unlocks on the session that locked, on a context detached from ctx (which may be
// cancelled by now), and throws the connection away when that fails.
func (l *PostgresRunLock) release(ctx context.Context, conn *sql.Conn) {
	l.mu.Lock()
	marked := l.marked
	if l.held == conn {
		l.held, l.marked = nil, 0
	}
	l.mu.Unlock()

	ctx, cancel := detached(ctx)
	defer cancel()
	ok, err := queryBool(ctx, conn, sqlUnlock, l.key)
	if err == nil && ok && marked != 0 {
		ok, err = queryBool(ctx, conn, sqlUnmarkRun, l.markerKey, marked)
	}
	if err != nil || !ok {
		discardConn(conn)
		return
	}
	_ = conn.Close()
}

// Publish records runID, on the session holding the lock, for Current on other replicas.
func (l *PostgresRunLock) Publish(ctx context.Context, runID int) error {
	if runID < 1 || runID > math.MaxInt32 {
		return fmt.Errorf("%w: %d", ErrRunIDRange, runID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		return ErrLockNotHeld
	}
	if l.marked != 0 {
		return nil
	}
	ok, err := queryBool(ctx, l.held, sqlMarkRun, l.markerKey, runID)
	if err != nil {
		return fmt.Errorf("schedule: publishing the run id: %w", err)
	}
	if !ok {
		return fmt.Errorf("schedule: publishing the run id: marker %d is taken", runID)
	}
	l.marked = runID
	return nil
}

// Current returns the run id the lock holder published, wherever it runs.
func (l *PostgresRunLock) Current(ctx context.Context) (int, bool, error) {
	var id int64
	err := l.db.QueryRowContext(ctx, sqlMarkedRun, l.markerKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("schedule: reading the published run id: %w", err)
	}
	return int(id), true, nil
}
