//go:build unix

package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// fanOutSubscribers is the number of websocket subscribers of the fan-out
// benchmark: the product's bar is 5,000 on one process.
const fanOutSubscribers = 5000

// fanOutDialers bounds how many websockets the benchmark opens at once.
const fanOutDialers = 64

// fanOutWait bounds one round; reaching it fails the benchmark.
const fanOutWait = time.Minute

// fanOutSub is what each subscriber asks for: the event and its person's
// row, which the stream reads once for every subscriber.
const fanOutSub = `subscription($types: [LifecycleEventType!]) {
  lifecycleTriggered(types: $types) { id cursor type personId localDate person { id workEmail } }
}`

// BenchmarkWebsocketFanOut5000 measures one lifecycle event reaching 5,000
// graphql-transport-ws subscribers, one websocket each, on the real handler
// over loopback TCP. Each iteration commits one event and waits until every
// client has read its next message. It reports the latency from the commit
// to each client's read (p50, p99 and max over every delivery of the run)
// and the memory held per idle subscriber, measured before and after opening
// the subscriptions: heap in use and goroutine stacks. Client and server run
// in the same process, so both figures include the client's side of each
// socket (its connection and one reading goroutine) as well as the server's.
func BenchmarkWebsocketFanOut5000(b *testing.B) {
	if testing.Short() {
		b.Skip("opens 5,000 websockets; skipped in -short")
	}
	raiseFileLimit(b, 2*fanOutSubscribers+1024)
	b.Run("sqlite", func(b *testing.B) { benchFanOut(b, storetest.Open(b)) })
	b.Run("postgres", func(b *testing.B) { benchFanOut(b, storetest.OpenPostgres(b)) })
}

func benchFanOut(b *testing.B, db *store.DB) {
	e := newEnv(b, db, envOptions{people: 20, events: true})
	p, err := e.db.Client.Person.Query().First(context.Background())
	require.NoError(b, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fanOut{base: time.Now(), failed: make(chan struct{})}
	before := memInUse()
	var readers sync.WaitGroup
	conns := f.open(b, ctx, e, &readers)
	require.Eventually(b, func() bool {
		return e.broker.Stats().Subscribers == fanOutSubscribers
	}, fanOutWait, 10*time.Millisecond, "every subscription reaches the broker")
	after := memInUse()
	heapPerSub := float64(after.heap-before.heap) / fanOutSubscribers
	stackPerSub := float64(after.stack-before.stack) / fanOutSubscribers

	day := civil.MustParse("2025-03-14")
	rounds := 0
	b.ResetTimer()
	for b.Loop() {
		f.round.Add(fanOutSubscribers)
		id := f.write(b, e, p.ID, day)
		if !f.wait(id) {
			b.Fatalf("round %d: %d of %d subscribers received event %d within %s: %v",
				rounds+1, fanOutSubscribers-int(f.pending.Load()), fanOutSubscribers, id,
				fanOutWait, errors.Join(f.errs()...))
		}
		rounds++
	}
	b.StopTimer()
	cancel()
	for _, c := range conns {
		_ = c.CloseNow()
	}
	readers.Wait()
	require.Empty(b, f.errs(), "clients read what they should")
	require.Len(b, f.latencies, rounds*fanOutSubscribers)

	// One line for every event: benchmark logs keep only their first lines.
	var perEvent strings.Builder
	for r := range rounds {
		round := slices.Clone(f.latencies[r*fanOutSubscribers : (r+1)*fanOutSubscribers])
		slices.Sort(round)
		fmt.Fprintf(&perEvent, " %.0f/%.0f", ms(round[len(round)/2]), ms(round[len(round)*99/100]))
	}
	b.Logf("p50/p99 ms of each event:%s", perEvent.String())
	lat := f.latencies
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(heapPerSub, "heap-B/idle-sub")
	b.ReportMetric(stackPerSub, "stack-B/idle-sub")
	b.Logf("%d subscribers, %d events: p50 %s, p99 %s (bar < 250ms), max %s; "+
		"per idle subscriber, client side included: heap %.0f B, stacks %.0f B, %d goroutines",
		fanOutSubscribers, rounds, lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1],
		heapPerSub, stackPerSub, (after.goroutines-before.goroutines)/fanOutSubscribers)
}

// fanOut is the client side of the benchmark: the sockets, the commit time
// of the current event and what the clients read.
type fanOut struct {
	base time.Time
	// committed is the commit time of the current event, since base.
	committed atomic.Int64
	// want is the id of the current event.
	want    atomic.Int64
	round   sync.WaitGroup
	pending atomic.Int64

	mu        sync.Mutex
	latencies []time.Duration
	failures  []error
	// failed closes at the first failure.
	failed chan struct{}
}

// open dials every websocket, completes connection_init, starts the
// subscription and the socket's reading goroutine, fanOutDialers at a time.
func (f *fanOut) open(b *testing.B, ctx context.Context, e *env,
	readers *sync.WaitGroup) []*websocket.Conn {
	b.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http")
	conns := make([]*websocket.Conn, fanOutSubscribers)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	errs := make(chan error, fanOutDialers)
	for range fanOutDialers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(conns); i = int(next.Add(1)) - 1 {
				c, err := dialSubscriber(ctx, url)
				if err != nil {
					errs <- fmt.Errorf("subscriber %d: %w", i, err)
					return
				}
				conns[i] = c
				readers.Go(func() { f.read(ctx, i, c) })
			}
		})
	}
	wg.Wait()
	close(errs)
	b.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				_ = c.CloseNow()
			}
		}
	})
	for err := range errs {
		require.NoError(b, err)
	}
	return conns
}

// dialSubscriber opens one graphql-transport-ws socket and subscribes.
func dialSubscriber(ctx context.Context, url string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, fanOutWait)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		Subprotocols: []string{protoTransportWS},
	})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	if err := c.Write(ctx, websocket.MessageText,
		[]byte(`{"type":"connection_init","payload":{}}`)); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	_, msg, err := c.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read ack: %w", err)
	}
	if frameType(msg) != "connection_ack" {
		return nil, fmt.Errorf("%w: %s", errUnexpectedFrame, msg)
	}
	sub, err := json.Marshal(map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": fanOutSub,
			"variables": map[string]any{"types": []string{"START_DATE"}}}})
	if err != nil {
		return nil, fmt.Errorf("encode subscribe: %w", err)
	}
	if err := c.Write(ctx, websocket.MessageText, sub); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	return c, nil
}

var errUnexpectedFrame = errors.New("unexpected frame")

// frameType returns the type of a server frame without decoding it: the
// clients read 5,000 frames an event, and the benchmark measures the server.
// gqlgen writes the frame's type after its payload, so the last "type" key
// is the frame's; were that to change, every next frame would read as
// unexpected and the benchmark would fail.
func frameType(msg []byte) string {
	key := []byte(`"type":"`)
	i := bytes.LastIndex(msg, key)
	if i < 0 {
		return ""
	}
	typ, _, _ := bytes.Cut(msg[i+len(key):], []byte(`"`))
	return string(typ)
}

// isEvent reports whether a next frame carries the event cursor with its
// person and no errors.
func isEvent(msg []byte, cursor string) bool {
	return bytes.Contains(msg, []byte(`"cursor":"`+cursor+`"`)) &&
		bytes.Contains(msg, []byte(`"person":{"id":"`)) &&
		!bytes.Contains(msg, []byte(`"errors"`))
}

// readFrame reads the next message into buf, growing it as needed.
func readFrame(ctx context.Context, c *websocket.Conn, buf []byte) ([]byte, error) {
	_, r, err := c.Reader(ctx)
	if err != nil {
		return buf, err
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// read is subscriber i's reading loop: it stamps each next message on
// arrival, answers pings and checks that it got the current event with its
// person. It is the only goroutine the client keeps per socket.
func (f *fanOut) read(ctx context.Context, i int, c *websocket.Conn) {
	buf := make([]byte, 0, 512)
	for {
		msg, err := readFrame(ctx, c, buf)
		buf = msg
		at := time.Since(f.base)
		if err != nil {
			if ctx.Err() == nil {
				f.fail(fmt.Errorf("subscriber %d: read: %w", i, err))
			}
			return
		}
		switch frameType(msg) {
		case "ping":
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
			continue
		case "pong":
			continue
		case "next":
		default:
			f.fail(fmt.Errorf("subscriber %d: %w: %s", i, errUnexpectedFrame, msg))
			return
		}
		if want := strconv.FormatInt(f.want.Load(), 10); !isEvent(msg, want) {
			f.fail(fmt.Errorf("subscriber %d: want event %s with its person, got %s",
				i, want, msg))
			return
		}
		f.mu.Lock()
		f.latencies = append(f.latencies, at-time.Duration(f.committed.Load()))
		f.mu.Unlock()
		f.pending.Add(-1)
		f.round.Done()
	}
}

func (f *fanOut) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) == 0 {
		close(f.failed)
	}
	f.failures = append(f.failures, err)
}

func (f *fanOut) errs() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failures
}

// write commits one start-date event the way every writer does (lock,
// insert, notify, commit, wake the local broker) and records the commit
// time before the wake-up.
func (f *fanOut) write(b *testing.B, e *env, personID string, day civil.Date) int64 {
	b.Helper()
	ctx := context.Background()
	tx, err := e.db.Client.Tx(ctx)
	require.NoError(b, err)
	require.NoError(b, pubsub.LockLog(ctx, tx, e.db.Dialect))
	key := fmt.Sprintf("%s|START_DATE|0|%s|%d", personID, day, occurrenceSerial.Add(1))
	ev, err := tx.Event.Create().SetType(event.TypeSTART_DATE).SetPersonID(personID).
		SetLocalDate(day).SetOccurrenceKey(key).
		SetPayload(json.RawMessage(`{"timeZone": "Europe/Berlin"}`)).
		SetOccurredAt(day.In(time.UTC, 9)).Save(ctx)
	require.NoError(b, err)
	require.NoError(b, pubsub.NotifyTx(ctx, tx, e.db.Dialect))
	f.want.Store(int64(ev.ID))
	f.pending.Store(fanOutSubscribers)
	require.NoError(b, tx.Commit())
	f.committed.Store(int64(time.Since(f.base)))
	e.broker.Publish(ctx)
	return int64(ev.ID)
}

// wait reports whether every subscriber read the current event in time.
func (f *fanOut) wait(id int64) bool {
	done := make(chan struct{})
	go func() {
		f.round.Wait()
		close(done)
	}()
	select {
	case <-done:
		return len(f.errs()) == 0
	case <-f.failed:
		return false
	case <-time.After(fanOutWait):
		return false
	}
}

// memory is the process's heap in use, goroutine stacks and goroutines.
type memory struct {
	heap, stack uint64
	goroutines  int
}

func memInUse() memory {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memory{heap: m.HeapInuse, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// raiseFileLimit lifts the soft limit on open files to at least n, within
// the hard limit: each subscriber holds two sockets in this process.
func raiseFileLimit(b *testing.B, n uint64) {
	b.Helper()
	var lim syscall.Rlimit
	require.NoError(b, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim))
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		b.Skipf("%d open files needed, the hard limit is %d", n, lim.Max)
	}
	lim.Cur = n
	require.NoError(b, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
}
