package pubsub

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/peoplegraph/peoplegraph/ent"
)

// Channel is the Postgres NOTIFY channel on which event writers announce a
// commit to every broker listening on the same database.
const Channel = "peoplegraph_events"

// logLockKey names the transaction-level advisory lock that serialises
// writers of the event log on Postgres.
const logLockKey = "peoplegraph:event-log"

// LockLog serialises writers of the event log. Call it inside the writing
// transaction before the first event is inserted. On Postgres it takes a
// transaction-level advisory lock, released at commit or rollback, so that
// event ids are allocated in commit order and a reader that has seen id n
// never later finds a smaller id committed behind it. On SQLite it does
// nothing, because SQLite already runs one write transaction at a time.
//
// Every transaction that inserts events must call it: the directory sync's
// apply transaction as well as lifecycle evaluation.
func LockLog(ctx context.Context, tx *ent.Tx, dialectName string) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
		logLockKey)
	if err != nil {
		return fmt.Errorf("pubsub: lock event log: %w", err)
	}
	return nil
}

// NotifyTx announces, inside the writing transaction, that events were
// written. Postgres delivers the notification to every listening broker
// only if the transaction commits. On SQLite, where brokers live in the
// writing process, it does nothing; call Broker.Publish after the commit
// instead (or as well: the wake-up is cheap).
func NotifyTx(ctx context.Context, tx *ent.Tx, dialectName string) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, '')", Channel); err != nil {
		return fmt.Errorf("pubsub: notify: %w", err)
	}
	return nil
}
