package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestEvaluatedEventsReachSubscribers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// An hour-long poll: only the evaluator's wake-up (Publish on
		// SQLite, its NOTIFY on Postgres) can deliver in time.
		broker := pubsub.New(db, pubsub.WithPollInterval(time.Hour))
		require.NoError(t, broker.Start(ctx))
		t.Cleanup(func() { require.NoError(t, broker.Close()) })
		sub, err := broker.Subscribe(ctx, 0, nil)
		require.NoError(t, err)

		mustPerson(t, db, "p1", dates{birth: "1990-04-01", start: "2020-04-01"})
		clock := clockwork.NewFakeClockAt(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
		cfg := lifecycle.Config{}
		if db.Dialect != dialect.Postgres {
			cfg.Committed = broker.Publish
		}
		e := newEvaluator(t, db, clock, cfg)
		require.Equal(t, 2, mustEvaluate(t, e))

		want := storedKeys(t, db)
		var got []string
		timeout := time.After(15 * time.Second)
		for len(got) < len(want) {
			select {
			case ev := <-sub.Events():
				got = append(got, *ev.OccurrenceKey)
			case <-timeout:
				t.Fatalf("received %v of %v", got, want)
			}
		}
		require.Equal(t, want, got)
	})
}
