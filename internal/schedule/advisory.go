package schedule

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"time"
)

// SQL for session-level advisory locks. A string key becomes a bigint with
// hashtextextended; pg_locks shows a bigint key split into classid (high half) and objid
// (low half) with objsubid 1, and a two-int4 key as classid and objid with objsubid 2.
const (
	sqlTryLock = `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`
	sqlUnlock  = `SELECT pg_advisory_unlock(hashtextextended($1, 0))`
	sqlHeld    = `SELECT EXISTS (
		SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
		  AND pid = pg_backend_pid()
		  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0))`
	// The run marker is a second lock on the run lock's session whose second half is the
	// run id; it disappears with the session, so a dead holder never leaves a stale id.
	sqlMarkRun   = `SELECT pg_try_advisory_lock(hashtext($1), $2)`
	sqlUnmarkRun = `SELECT pg_advisory_unlock(hashtext($1), $2)`
	sqlMarkedRun = `SELECT objid::bigint FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND classid = hashtext($1)::oid
		LIMIT 1`
)

// cleanupTimeout bounds unlocking, which runs on a context detached from cancellation.
const cleanupTimeout = 5 * time.Second

// queryBool runs a query returning one boolean on conn.
func queryBool(ctx context.Context, conn *sql.Conn, query string, args ...any) (bool, error) {
	var b bool
	err := conn.QueryRowContext(ctx, query, args...).Scan(&b)
	return b, err
}

// discardConn closes conn's physical connection instead of pooling it, which ends the
// session and every advisory lock it still holds.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// detached returns a context that ignores ctx's cancellation, bounded by cleanupTimeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
