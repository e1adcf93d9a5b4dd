package graph_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// replicaBrokerOptions disable the safety poll for the whole test, so that
// an event written on one replica reaches the other only through Postgres
// notifications or a listener reconnect, and make reconnects quick.
var replicaBrokerOptions = []pubsub.Option{
	pubsub.WithPollInterval(time.Hour),
	pubsub.WithReconnect(20*time.Millisecond, 200*time.Millisecond),
}

// openAs opens a pool of its own on db's database whose sessions report
// app as their application_name, so that each replica's sessions, its
// listener among them, can be told apart in pg_stat_activity.
func openAs(t *testing.T, db *store.DB, app string) *store.DB {
	t.Helper()
	u, err := url.Parse(db.ConnString())
	require.NoError(t, err)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	replica, err := store.Open(context.Background(), u.String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = replica.Close() })
	return replica
}

// replicaClients subscribes to personChanged after cursor on both
// protocols of one server.
func replicaClients(t *testing.T, e *env, after string) []*wsClient {
	t.Helper()
	var out []*wsClient
	for _, proto := range []string{protoTransportWS, protoLegacyWS} {
		c := dialStream(t, e, proto, "")
		c.subscribe("1", changeSub, map[string]any{"after": after})
		out = append(out, c)
	}
	return out
}

// requireDelivered requires every client to receive exactly the events
// with the cursors want next, in that order.
func requireDelivered(t *testing.T, clients map[string][]*wsClient, want []string) {
	t.Helper()
	for server, cs := range clients {
		for _, c := range cs {
			got := make([]string, 0, len(want))
			for range want {
				got = append(got, changeOf(t, c.next()).Cursor)
			}
			require.Equal(t, want, got, "%s subscriber over %s", server, c.proto)
		}
	}
}

// listeners counts the sessions of application app on the current database
// that last ran LISTEN.
func listeners(t *testing.T, admin *store.DB, app string) int {
	t.Helper()
	var n int
	require.NoError(t, admin.SQL.QueryRowContext(context.Background(), `SELECT count(*)
		FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1
		AND query ILIKE 'LISTEN%'`, app).Scan(&n))
	return n
}

// killListener terminates application app's listening session and
// requires there to have been exactly one.
func killListener(t *testing.T, admin *store.DB, app string) {
	t.Helper()
	var killed int
	require.NoError(t, admin.SQL.QueryRowContext(context.Background(),
		`SELECT count(pg_terminate_backend(pid))
		FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1
		AND query ILIKE 'LISTEN%'`, app).Scan(&killed))
	require.Equal(t, 1, killed, "%s has one listening session", app)
}

func TestTwoReplicasDeliverEveryEventOnBothServers(t *testing.T) {
	admin := storetest.OpenPostgres(t)
	const appA, appB = "peoplegraph_replica_a", "peoplegraph_replica_b"
	a := newEnv(t, openAs(t, admin, appA), envOptions{people: 20, events: true,
		brokerOpts: replicaBrokerOptions})
	// Replica B serves the database replica A synced.
	b := newEnv(t, openAs(t, admin, appB), envOptions{people: 20, events: true,
		noSync: true, brokerOpts: replicaBrokerOptions})
	require.NotSame(t, a.db.SQL, b.db.SQL)
	require.Equal(t, 1, listeners(t, admin, appA), "replica A listens on its own session")
	require.Equal(t, 1, listeners(t, admin, appB), "replica B listens on its own session")

	p := someManaged(t, a.db)
	viaA, viaB := logWriter{t, a}, logWriter{t, b}
	write := func(w logWriter, n int) []string {
		t.Helper()
		var ids []string
		for i := range n {
			ids = append(ids, strconv.Itoa(w.change(event.TypePERSON_UPDATED, p.ID,
				[]string{"jobTitle"}, `{"n": `+strconv.Itoa(i)+`}`)))
		}
		return ids
	}

	after := lastCursor(t, a)
	clients := map[string][]*wsClient{
		"A": replicaClients(t, a, after),
		"B": replicaClients(t, b, after),
	}

	t.Run("events written through A reach both servers", func(t *testing.T) {
		requireDelivered(t, clients, write(viaA, 4))
	})

	t.Run("events written through B reach both servers", func(t *testing.T) {
		requireDelivered(t, clients, write(viaB, 4))
	})

	t.Run("writes alternating between replicas keep their order", func(t *testing.T) {
		var want []string
		for range 3 {
			want = append(want, write(viaA, 1)...)
			want = append(want, write(viaB, 1)...)
		}
		requireDelivered(t, clients, want)
	})

	t.Run("a killed listener on A loses nothing on either server", func(t *testing.T) {
		before := a.broker.Stats().Reconnects
		killListener(t, admin, appA)
		// While A's listener is away: A's next events, which B hears of
		// through its own listener, then B's, which A finds in the log
		// when its listener reconnects.
		want := write(viaA, 3)
		want = append(want, write(viaB, 3)...)
		requireDelivered(t, clients, want)
		require.Eventually(t, func() bool { return a.broker.Stats().Reconnects > before },
			streamWait, 10*time.Millisecond, "replica A's listener reconnected")
		require.Equal(t, 1, listeners(t, admin, appA), "replica A listens again")

		// Notifications reach A again: with no poll, only its listener
		// can wake it for B's write.
		requireDelivered(t, clients, write(viaB, 2))
		requireDelivered(t, clients, write(viaA, 2))
	})

	t.Run("no subscriber holds a duplicate", func(t *testing.T) {
		// Each subscriber's next event is the one written now, not a
		// repeat of an earlier one.
		requireDelivered(t, clients, write(viaB, 1))
	})
}
