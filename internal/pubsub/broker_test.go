package pubsub_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestReplayThenLiveWithoutGapOrDuplicate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const before, during = 120, 200
		ctx := context.Background()
		var ids []int64
		for range before {
			ids = append(ids, writeEvent(t, db, nil, event.TypePERSON_UPDATED))
		}
		// Small batches make the replay take several reads while the
		// writer keeps committing.
		b := newBroker(t, db, pubsub.WithBatchSize(7))

		written := make(chan int64, during)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range during {
				typ := event.TypePERSON_UPDATED
				if i%3 == 0 {
					typ = event.TypeSTART_DATE
				}
				written <- writeEvent(t, db, b, typ)
			}
			close(written)
		})

		type sub struct {
			name  string
			after int64
			s     *pubsub.Subscription
		}
		var subs []sub
		for i, after := range []int64{ids[0], ids[before/2], ids[before-1]} {
			s, err := b.Subscribe(ctx, after, nil)
			require.NoError(t, err)
			subs = append(subs, sub{name: "cursor " + string(rune('a'+i)), after: after, s: s})
		}
		filtered, err := b.Subscribe(ctx, ids[10], isType(event.TypeSTART_DATE))
		require.NoError(t, err)
		live, err := b.Subscribe(ctx, 0, nil)
		require.NoError(t, err)

		var all []int64
		for id := range written {
			all = append(all, id)
		}
		wg.Wait()
		last := all[len(all)-1]

		for _, sb := range subs {
			got := receiveUntil(t, sb.s, last)
			require.Equal(t, span(sb.after+1, last), got, sb.name)
		}
		gotLive := receiveUntil(t, live, last)
		require.Equal(t, span(gotLive[0], last), gotLive, "live events are contiguous")

		var wantFiltered []int64
		for i, id := range all {
			if i%3 == 0 {
				wantFiltered = append(wantFiltered, id)
			}
		}
		require.Equal(t, wantFiltered, receiveUntil(t, filtered, wantFiltered[len(
			wantFiltered)-1]))
		select {
		case ev := <-filtered.Events():
			t.Fatalf("unexpected event %d", ev.ID)
		default:
		}
		require.Equal(t, last, filtered.Cursor(), "filtered events advance the cursor")
	})
}

func TestSlowConsumerIsClosedWhileOthersContinue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := newBroker(t, db, pubsub.WithBufferSize(4), pubsub.WithMaxLag(10))
		slow, err := b.Subscribe(ctx, 0, nil)
		require.NoError(t, err)
		fast, err := b.Subscribe(ctx, 0, nil)
		require.NoError(t, err)

		var ids []int64
		for range 30 {
			id := writeEvent(t, db, b, event.TypePERSON_UPDATED)
			ids = append(ids, id)
			require.Equal(t, []int64{id}, receive(t, fast, 1))
		}

		// The slow one got what fitted in its buffer, then was closed.
		got := waitClosed(t, slow)
		require.Equal(t, ids[:4], got)
		var slowErr *pubsub.SlowConsumerError
		require.ErrorAs(t, slow.Err(), &slowErr)
		require.ErrorIs(t, slow.Err(), pubsub.ErrSlowConsumer)
		require.Equal(t, ids[3], slowErr.Cursor)
		require.Nil(t, fast.Err())
		require.EqualValues(t, 1, b.Stats().Dropped)
		require.Equal(t, 1, b.Stats().Subscribers)

		// Resuming from the cursor misses nothing.
		resumed, err := b.Subscribe(ctx, slowErr.Cursor, nil)
		require.NoError(t, err)
		require.Equal(t, ids[4:], receive(t, resumed, len(ids)-4))
	})
}

func TestFullBufferCatchesUpFromTheLog(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	b := newBroker(t, db, pubsub.WithBufferSize(2), pubsub.WithBatchSize(3))
	s, err := b.Subscribe(ctx, 0, nil)
	require.NoError(t, err)

	// A burst far larger than the buffer, committed before the consumer
	// reads anything, still arrives whole and in order.
	var ids []int64
	for range 40 {
		ids = append(ids, writeEvent(t, db, b, event.TypePERSON_ADDED))
	}
	require.Equal(t, ids, receive(t, s, len(ids)))
	more := writeEvent(t, db, b, event.TypePERSON_ADDED)
	require.Equal(t, []int64{more}, receive(t, s, 1), "and it is live again")
	require.Nil(t, s.Err())
	require.Zero(t, b.Stats().Dropped)
}

func TestSubscriptionEnds(t *testing.T) {
	db := storetest.Open(t)

	t.Run("when its context ends", func(t *testing.T) {
		b := newBroker(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		s, err := b.Subscribe(ctx, 0, nil)
		require.NoError(t, err)
		cancel()
		require.Empty(t, waitClosed(t, s))
		require.ErrorIs(t, s.Err(), context.Canceled)
		require.Zero(t, b.Stats().Subscribers)
	})

	t.Run("when its context ends during a replay", func(t *testing.T) {
		first := writeEvent(t, db, nil, event.TypePERSON_ADDED)
		for range 10 {
			writeEvent(t, db, nil, event.TypePERSON_ADDED)
		}
		b := newBroker(t, db, pubsub.WithBufferSize(1), pubsub.WithBatchSize(2))
		ctx, cancel := context.WithCancel(context.Background())
		s, err := b.Subscribe(ctx, first, nil)
		require.NoError(t, err)
		require.Len(t, receive(t, s, 1), 1)
		cancel()
		waitClosed(t, s)
		require.ErrorIs(t, s.Err(), context.Canceled)
	})

	t.Run("when it is closed", func(t *testing.T) {
		b := newBroker(t, db)
		s, err := b.Subscribe(context.Background(), 0, nil)
		require.NoError(t, err)
		s.Close()
		s.Close()
		waitClosed(t, s)
		require.ErrorIs(t, s.Err(), pubsub.ErrClosed)
	})

	t.Run("when the broker closes", func(t *testing.T) {
		b := pubsub.New(db)
		require.NoError(t, b.Start(context.Background()))
		live, err := b.Subscribe(context.Background(), 0, nil)
		require.NoError(t, err)
		require.NoError(t, b.Close())
		require.NoError(t, b.Close(), "closing twice is fine")
		waitClosed(t, live)
		require.ErrorIs(t, live.Err(), pubsub.ErrClosed)
		_, err = b.Subscribe(context.Background(), 0, nil)
		require.ErrorIs(t, err, pubsub.ErrClosed)
		require.ErrorIs(t, b.Start(context.Background()), pubsub.ErrClosed)
	})

	t.Run("when the broker's context ends", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		b := pubsub.New(db)
		require.NoError(t, b.Start(ctx))
		t.Cleanup(func() { require.NoError(t, b.Close()) })
		s, err := b.Subscribe(context.Background(), 0, nil)
		require.NoError(t, err)
		cancel()
		waitClosed(t, s)
		require.ErrorIs(t, s.Err(), pubsub.ErrClosed)
	})
}

func TestSubscribeRejects(t *testing.T) {
	db := storetest.Open(t)
	b := pubsub.New(db)
	_, err := b.Subscribe(context.Background(), 0, nil)
	require.ErrorIs(t, err, pubsub.ErrNotStarted)
	require.NoError(t, b.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	require.ErrorIs(t, b.Start(context.Background()), pubsub.ErrAlreadyStarted)
	_, err = b.Subscribe(context.Background(), -1, nil)
	require.ErrorIs(t, err, pubsub.ErrInvalidCursor)
}

func TestCursorAheadOfTheBrokerSkipsWhatItCovers(t *testing.T) {
	db := storetest.Open(t)
	b := newBroker(t, db, pubsub.WithPollInterval(time.Hour))
	// Written without waking the broker, as another replica might.
	first := writeEvent(t, db, nil, event.TypePERSON_ADDED)
	second := writeEvent(t, db, nil, event.TypePERSON_ADDED)
	s, err := b.Subscribe(context.Background(), first, nil)
	require.NoError(t, err)
	b.Publish(context.Background())
	require.Equal(t, []int64{second}, receive(t, s, 1))
}

func TestSlowConsumerErrorText(t *testing.T) {
	err := error(&pubsub.SlowConsumerError{Cursor: 42})
	require.True(t, errors.Is(err, pubsub.ErrSlowConsumer))
	require.Contains(t, err.Error(), "42")
}
