package pubsub_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// BenchmarkFanOut5000 measures one event reaching 5,000 subscribers: each
// iteration commits an event and waits until every subscriber has read it.
// It reports the delivery latency from commit to each subscriber's receipt
// (p50 and p99 over all deliveries) and the heap held per idle subscription
// (the subscription itself, without the consumer goroutine that reads it).
// On SQLite the writer wakes the broker with Publish; on Postgres
// (PEOPLEGRAPH_TEST_DATABASE_URL) the writer only notifies, so the latency
// includes the NOTIFY round trip.
func BenchmarkFanOut5000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkFanOut(b, storetest.Open(b), true) })
	b.Run("postgres", func(b *testing.B) {
		benchmarkFanOut(b, storetest.OpenPostgres(b), false)
	})
}

func benchmarkFanOut(b *testing.B, db *store.DB, publish bool) {
	const subscribers = 5000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker := newBroker(b, db)

	before := heapInUse()
	subs := make([]*pubsub.Subscription, subscribers)
	for i := range subs {
		s, err := broker.Subscribe(ctx, 0, isType(event.TypeSTART_DATE))
		if err != nil {
			b.Fatal(err)
		}
		subs[i] = s
	}
	perSub := float64(heapInUse()-before) / subscribers

	var (
		mu        sync.Mutex
		latencies []time.Duration
		committed time.Time
		round     sync.WaitGroup
		readers   sync.WaitGroup
	)
	for _, s := range subs {
		readers.Go(func() {
			for range s.Events() {
				mu.Lock()
				latencies = append(latencies, time.Since(committed))
				mu.Unlock()
				round.Done()
			}
		})
	}
	var waker *pubsub.Broker
	if publish {
		waker = broker
	}
	b.ResetTimer()
	for b.Loop() {
		round.Add(subscribers)
		mu.Lock()
		committed = time.Now()
		mu.Unlock()
		writeEvent(b, db, waker, event.TypeSTART_DATE)
		round.Wait()
	}
	b.StopTimer()
	cancel()
	readers.Wait()

	slices.Sort(latencies)
	b.ReportMetric(ms(latencies[len(latencies)/2]), "p50-ms")
	b.ReportMetric(ms(latencies[len(latencies)*99/100]), "p99-ms")
	b.ReportMetric(perSub, "B/idle-sub")
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
