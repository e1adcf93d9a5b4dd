package pubsub_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// openReplica opens a second connection pool on db's Postgres database, as
// another replica of the service would.
func openReplica(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	other, err := store.Open(context.Background(), db.ConnString())
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	return other
}

func TestTwoReplicasBothDeliverAnEventOneWrote(t *testing.T) {
	db := storetest.OpenPostgres(t)
	other := openReplica(t, db)
	ctx := context.Background()
	// An hour-long poll leaves the notification as the only wake-up.
	noPoll := pubsub.WithPollInterval(time.Hour)
	writer := newBroker(t, db, noPoll)
	reader := newBroker(t, other, noPoll)
	mine, err := writer.Subscribe(ctx, 0, nil)
	require.NoError(t, err)
	theirs, err := reader.Subscribe(ctx, 0, nil)
	require.NoError(t, err)

	for range 3 {
		id := writeEvent(t, db, nil, event.TypeMANAGER_CHANGED)
		require.Equal(t, []int64{id}, receive(t, mine, 1))
		require.Equal(t, []int64{id}, receive(t, theirs, 1))
	}
}

func TestRolledBackEventsWakeNobody(t *testing.T) {
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	b := newBroker(t, db, pubsub.WithPollInterval(time.Hour))
	s, err := b.Subscribe(ctx, 0, nil)
	require.NoError(t, err)

	tx, err := db.Client.Tx(ctx)
	require.NoError(t, err)
	require.NoError(t, pubsub.LockLog(ctx, tx, db.Dialect))
	_, err = tx.Event.Create().SetType(event.TypePERSON_ADDED).Save(ctx)
	require.NoError(t, err)
	require.NoError(t, pubsub.NotifyTx(ctx, tx, db.Dialect))
	require.NoError(t, tx.Rollback())

	id := writeEvent(t, db, nil, event.TypePERSON_ADDED)
	require.Equal(t, []int64{id}, receive(t, s, 1), "only the committed event arrives")
}

func TestKilledListenerLosesNothing(t *testing.T) {
	db := storetest.OpenPostgres(t)
	other := openReplica(t, db)
	ctx := context.Background()
	b := newBroker(t, other, pubsub.WithPollInterval(time.Hour),
		pubsub.WithReconnect(20*time.Millisecond, 200*time.Millisecond))
	s, err := b.Subscribe(ctx, 0, nil)
	require.NoError(t, err)
	before := writeEvent(t, db, nil, event.TypePERSON_ADDED)
	require.Equal(t, []int64{before}, receive(t, s, 1))

	// End the listening session, then commit while it is gone: the
	// notification of that commit is lost with it.
	var killed int
	require.NoError(t, db.SQL.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid))
		FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %'`).Scan(&killed))
	require.Equal(t, 1, killed, "one listening session")
	lost := writeEvent(t, db, nil, event.TypePERSON_DEPARTED)

	require.Equal(t, []int64{lost}, receive(t, s, 1), "the reconnect reads the log")
	require.Eventually(t, func() bool { return b.Stats().Reconnects >= 1 }, waitLimit,
		10*time.Millisecond, "the listener reconnected")
	after := writeEvent(t, db, nil, event.TypePERSON_ADDED)
	require.Equal(t, []int64{after}, receive(t, s, 1), "notifications flow again")
}

func TestPollFindsEventsNobodyAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := newBroker(t, db, pubsub.WithPollInterval(20*time.Millisecond))
		s, err := b.Subscribe(ctx, 0, nil)
		require.NoError(t, err)
		// Inserted outside the writer protocol: no lock, no notify, no
		// Publish. Only the safety poll can find it.
		ev, err := db.Client.Event.Create().SetType(event.TypePERSON_ADDED).Save(ctx)
		require.NoError(t, err)
		require.Equal(t, []int64{int64(ev.ID)}, receive(t, s, 1))
	})
}
