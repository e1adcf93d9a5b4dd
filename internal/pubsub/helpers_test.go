package pubsub_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitLimit bounds how long a test waits for something that should happen
// promptly; reaching it fails the test rather than measuring anything.
const waitLimit = 15 * time.Second

// newBroker starts a broker on db, closed in Cleanup.
func newBroker(t testing.TB, db *store.DB, opts ...pubsub.Option) *pubsub.Broker {
	t.Helper()
	b := pubsub.New(db, opts...)
	require.NoError(t, b.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

// writeEvent commits one event of type typ the way every log writer does:
// lock, insert, notify, commit, then wake the local broker when given one.
func writeEvent(t testing.TB, db *store.DB, b *pubsub.Broker, typ event.Type) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := db.Client.Tx(ctx)
	require.NoError(t, err)
	require.NoError(t, pubsub.LockLog(ctx, tx, db.Dialect))
	ev, err := tx.Event.Create().SetType(typ).Save(ctx)
	require.NoError(t, err)
	require.NoError(t, pubsub.NotifyTx(ctx, tx, db.Dialect))
	require.NoError(t, tx.Commit())
	if b != nil {
		b.Publish(ctx)
	}
	return int64(ev.ID)
}

// receive reads n events from s, failing after waitLimit.
func receive(t testing.TB, s *pubsub.Subscription, n int) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	timeout := time.After(waitLimit)
	for len(ids) < n {
		select {
		case ev, ok := <-s.Events():
			require.True(t, ok, "subscription ended after %d of %d events: %v", len(ids), n,
				s.Err())
			ids = append(ids, int64(ev.ID))
		case <-timeout:
			t.Fatalf("received %d of %d events", len(ids), n)
		}
	}
	return ids
}

// receiveUntil reads from s until it has seen id last, failing after
// waitLimit.
func receiveUntil(t testing.TB, s *pubsub.Subscription, last int64) []int64 {
	t.Helper()
	var ids []int64
	timeout := time.After(waitLimit)
	for len(ids) == 0 || ids[len(ids)-1] < last {
		select {
		case ev, ok := <-s.Events():
			require.True(t, ok, "subscription ended before %d: %v", last, s.Err())
			ids = append(ids, int64(ev.ID))
		case <-timeout:
			t.Fatalf("did not reach event %d; got %v", last, ids)
		}
	}
	return ids
}

// waitClosed drains s until its channel closes and returns what it read.
func waitClosed(t testing.TB, s *pubsub.Subscription) []int64 {
	t.Helper()
	var ids []int64
	timeout := time.After(waitLimit)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				return ids
			}
			ids = append(ids, int64(ev.ID))
		case <-timeout:
			t.Fatal("subscription did not end")
		}
	}
}

// span returns the ids from lo to hi inclusive.
func span(lo, hi int64) []int64 {
	var ids []int64
	for id := lo; id <= hi; id++ {
		ids = append(ids, id)
	}
	return ids
}

// isType returns a filter for events of type typ.
func isType(typ event.Type) func(*ent.Event) bool {
	return func(e *ent.Event) bool { return e.Type == typ }
}
