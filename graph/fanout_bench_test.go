//go:build unix

package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
// row, which the stream reads once for every subscriber. The mode of the
// run may add an alias and a person filter.
const fanOutSub = `subscription($types: [LifecycleEventType!], $filter: PersonEventFilter) {
  lifecycleTriggered(types: $types, filter: $filter) {
    id cursor type personId localDate person { id workEmail }
  }
}`

// fanOutMode is how the subscribers of a fan-out run differ.
type fanOutMode string

const (
	// fanOutSame subscribers all run one subscription.
	fanOutSame fanOutMode = "same"
	// fanOutFilters subscribers each filter on a list of people of their
	// own (the event's person and one nobody has), with one selection.
	fanOutFilters fanOutMode = "filters"
	// fanOutDistinct subscribers each select the event under an alias of
	// their own, so that no two receive the same payload.
	fanOutDistinct fanOutMode = "distinct"
)

// subscription returns subscriber i's document and variables; person is
// the id of the person the run's events are about.
func (m fanOutMode) subscription(i int, person string) (string, map[string]any) {
	query := fanOutSub
	vars := map[string]any{"types": []string{"START_DATE"}}
	switch m {
	case fanOutFilters:
		vars["filter"] = map[string]any{
			"personIds": []string{person, fmt.Sprintf("nobody-%d", i)}}
	case fanOutDistinct:
		query = strings.Replace(query, "lifecycleTriggered(",
			fmt.Sprintf("s%d: lifecycleTriggered(", i), 1)
	}
	return query, vars
}

// fanOutClientsEnv, when set to a websocket URL, turns the test binary into
// the client side of the fan-out benchmark (see runFanOutClients), with the
// mode and the events' person in the other two.
const (
	fanOutClientsEnv = "PEOPLEGRAPH_FANOUT_CLIENTS_URL"
	fanOutModeEnv    = "PEOPLEGRAPH_FANOUT_MODE"
	fanOutPersonEnv  = "PEOPLEGRAPH_FANOUT_PERSON"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(fanOutClientsEnv); url != "" {
		os.Exit(runFanOutClients(url, fanOutMode(os.Getenv(fanOutModeEnv)),
			os.Getenv(fanOutPersonEnv), os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// BenchmarkWebsocketFanOut5000 measures one lifecycle event reaching 5,000
// graphql-transport-ws subscribers, one websocket each, on the real handler
// over loopback TCP. The subscribers live in a second process (this test
// binary run again as a load generator), so that the server's process holds
// only the server's side of each socket, as it would in production. Each
// iteration commits one event and waits until every client has read its
// next message. It reports the latency from the commit to each client's read
// (p50, p99 and max over every delivery of the run; both processes read the
// same wall clock) and the memory the server holds per idle subscriber,
// measured before and after the subscriptions open: heap in use and
// goroutine stacks. Both processes share the machine's CPUs.
//
// The subscribers all run the same subscription, so the server resolves
// each event once for all of them. In the -filters runs each filters on
// people of its own: the payloads are still alike, and still resolved once.
// In the -distinct runs each selects the event under an alias of its own,
// so the server must resolve every event once per subscriber.
func BenchmarkWebsocketFanOut5000(b *testing.B) {
	if testing.Short() {
		b.Skip("opens 5,000 websockets; skipped in -short")
	}
	raiseFileLimit(b, fanOutSubscribers+1024)
	for _, m := range []fanOutMode{fanOutSame, fanOutFilters, fanOutDistinct} {
		suffix := ""
		if m != fanOutSame {
			suffix = "-" + string(m)
		}
		b.Run("sqlite"+suffix, func(b *testing.B) { benchFanOut(b, storetest.Open(b), m) })
		b.Run("postgres"+suffix, func(b *testing.B) {
			benchFanOut(b, storetest.OpenPostgres(b), m)
		})
	}
}

func benchFanOut(b *testing.B, db *store.DB, mode fanOutMode) {
	e := newEnv(b, db, envOptions{people: 20, events: true})
	p, err := e.db.Client.Person.Query().First(context.Background())
	require.NoError(b, err)

	before := memInUse()
	clients := startFanOutClients(b, "ws"+strings.TrimPrefix(e.srv.URL, "http"), mode, p.ID)
	require.Eventually(b, func() bool {
		return e.broker.Stats().Subscribers == fanOutSubscribers
	}, fanOutWait, 10*time.Millisecond, "every subscription reaches the broker")
	after := memInUse()
	heapPerSub := float64(after.heap-before.heap) / fanOutSubscribers
	stackPerSub := float64(after.stack-before.stack) / fanOutSubscribers

	day := civil.MustParse("2025-03-14")
	var latencies []time.Duration
	var perEvent strings.Builder
	b.ResetTimer()
	for b.Loop() {
		round := clients.round(b, func(expect func(id int64)) int64 {
			return commitEvent(b, e, p.ID, day, expect)
		})
		slices.Sort(round)
		fmt.Fprintf(&perEvent, " %.0f/%.0f", ms(round[len(round)/2]), ms(round[len(round)*99/100]))
		latencies = append(latencies, round...)
	}
	b.StopTimer()
	clients.stop(b)

	// One line for every event: benchmark logs keep only their first lines.
	b.Logf("p50/p99 ms of each event:%s", perEvent.String())
	lat := latencies
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(heapPerSub, "heap-B/idle-sub")
	b.ReportMetric(stackPerSub, "stack-B/idle-sub")
	b.Logf("%d subscribers, %d events: p50 %s, p99 %s (bar < 250ms), max %s; "+
		"server memory per idle subscriber: heap %.0f B, stacks %.0f B, %d goroutines",
		fanOutSubscribers, len(lat)/fanOutSubscribers, lat[len(lat)/2],
		lat[len(lat)*99/100], lat[len(lat)-1], heapPerSub, stackPerSub,
		(after.goroutines-before.goroutines)/fanOutSubscribers)
}

// commitEvent commits one start-date event the way every writer does (lock,
// insert, notify, commit, wake the local broker), announcing its id through
// expect before the commit, and returns the commit's wall-clock time in
// Unix nanoseconds, taken before the wake-up.
func commitEvent(b *testing.B, e *env, personID string, day civil.Date,
	expect func(id int64)) int64 {
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
	expect(int64(ev.ID))
	require.NoError(b, tx.Commit())
	committed := time.Now().UnixNano()
	e.broker.Publish(ctx)
	return committed
}

// fanOutClients drives the load-generating process: lines to its standard
// input announce events, lines from its standard output report them.
//
//	-> expect <id>             <- expecting <id>
//	-> committed <id> <unix-ns>
//	<- round <id> <latency-ns>...   (once every subscriber read event id)
//	<- fail <reason>                (at any time; the process then exits)
//
// Closing its standard input ends the process.
type fanOutClients struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	// stderr collects what the process logs, for failure messages.
	stderr bytes.Buffer
}

// startFanOutClients starts the load generator against url and waits until
// it has opened and subscribed every socket.
func startFanOutClients(b *testing.B, url string, mode fanOutMode,
	person string) *fanOutClients {
	b.Helper()
	c := &fanOutClients{lines: make(chan string, 16)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), fanOutClientsEnv+"="+url,
		fanOutModeEnv+"="+string(mode), fanOutPersonEnv+"="+person)
	c.cmd.Stderr = &c.stderr
	in, err := c.cmd.StdinPipe()
	require.NoError(b, err)
	out, err := c.cmd.StdoutPipe()
	require.NoError(b, err)
	c.in = in
	require.NoError(b, c.cmd.Start())
	b.Cleanup(func() { _ = c.cmd.Process.Kill(); _ = c.cmd.Wait() })
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	c.expect(b, "ready")
	return c
}

// expect waits for the next line and fails unless it is want.
func (c *fanOutClients) expect(b *testing.B, want string) {
	b.Helper()
	if got := c.next(b); got != want {
		b.Fatalf("load generator said %q, want %q", got, want)
	}
}

func (c *fanOutClients) next(b *testing.B) string {
	b.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			b.Fatalf("load generator ended: %v\n%s", c.cmd.Wait(), c.stderr.String())
		}
		if reason, failed := strings.CutPrefix(line, "fail "); failed {
			b.Fatalf("load generator: %s", reason)
		}
		return line
	case <-time.After(fanOutWait):
		b.Fatalf("load generator silent for %s", fanOutWait)
	}
	return ""
}

func (c *fanOutClients) send(b *testing.B, format string, args ...any) {
	b.Helper()
	_, err := fmt.Fprintf(c.in, format+"\n", args...)
	require.NoError(b, err)
}

// round runs commit, which announces the event's id before committing it
// and returns the commit time, and returns the latency of each delivery.
func (c *fanOutClients) round(b *testing.B, commit func(expect func(id int64)) int64,
) []time.Duration {
	b.Helper()
	var id int64
	committed := commit(func(n int64) {
		id = n
		c.send(b, "expect %d", id)
		c.expect(b, fmt.Sprintf("expecting %d", id))
	})
	c.send(b, "committed %d %d", id, committed)
	fields := strings.Fields(c.next(b))
	require.Greater(b, len(fields), 2, "a round report")
	require.Equal(b, []string{"round", strconv.FormatInt(id, 10)}, fields[:2])
	require.Len(b, fields[2:], fanOutSubscribers, "one latency per subscriber")
	out := make([]time.Duration, 0, fanOutSubscribers)
	for _, f := range fields[2:] {
		n, err := strconv.ParseInt(f, 10, 64)
		require.NoError(b, err)
		out = append(out, time.Duration(n))
	}
	return out
}

// stop closes the load generator's input and waits for it to exit cleanly.
func (c *fanOutClients) stop(b *testing.B) {
	b.Helper()
	require.NoError(b, c.in.Close())
	for line := range c.lines {
		if reason, failed := strings.CutPrefix(line, "fail "); failed {
			b.Fatalf("load generator: %s", reason)
		}
	}
	require.NoError(b, c.cmd.Wait(), "load generator: %s", c.stderr.String())
}

// runFanOutClients is the load generator: it opens fanOutSubscribers
// subscriptions to url, fanOutDialers at a time, then follows the protocol
// of fanOutClients on in and out. It returns the process's exit status.
func runFanOutClients(url string, mode fanOutMode, person string, in io.Reader,
	out io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wmu sync.Mutex
	say := func(format string, args ...any) {
		wmu.Lock()
		defer wmu.Unlock()
		fmt.Fprintf(out, format+"\n", args...)
	}
	g := &fanOutGen{n: fanOutSubscribers, mode: mode, person: person,
		complete: make(chan struct{}, 1), failed: make(chan struct{})}
	var readers sync.WaitGroup
	conns, err := g.open(ctx, url, &readers)
	defer func() {
		cancel()
		for _, c := range conns {
			if c != nil {
				_ = c.CloseNow()
			}
		}
		readers.Wait()
	}()
	if err != nil {
		say("fail %v", err)
		return 1
	}
	say("ready")
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var id, committed int64
		if _, err := fmt.Sscanf(sc.Text(), "expect %d", &id); err == nil {
			g.expect(id)
			say("expecting %d", id)
			continue
		}
		if _, err := fmt.Sscanf(sc.Text(), "committed %d %d", &id, &committed); err != nil {
			say("fail unknown command %q", sc.Text())
			return 1
		}
		select {
		case <-g.complete:
		case <-g.failed:
			say("fail %v", g.err())
			return 1
		case <-time.After(fanOutWait):
			say("fail %d of %d subscribers read event %d within %s", g.count(), g.n, id,
				fanOutWait)
			return 1
		}
		var line strings.Builder
		fmt.Fprintf(&line, "round %d", id)
		for _, at := range g.stamps {
			fmt.Fprintf(&line, " %d", at-committed)
		}
		say("%s", line.String())
	}
	return 0
}

// fanOutGen is the state of the load generator's subscribers.
type fanOutGen struct {
	n int
	// mode says how the subscribers differ; person is the events' person.
	mode   fanOutMode
	person string
	// want is the id of the current event.
	want atomic.Int64
	// complete receives once every subscriber has read the current event.
	complete chan struct{}

	mu sync.Mutex
	// stamps are the wall-clock times, Unix nanoseconds, at which the
	// subscribers read the current event.
	stamps  []int64
	failure error
	// failed closes at the first failure.
	failed chan struct{}
}

func (g *fanOutGen) expect(id int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stamps = g.stamps[:0]
	g.want.Store(id)
}

func (g *fanOutGen) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.stamps)
}

func (g *fanOutGen) err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failure
}

func (g *fanOutGen) fail(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failure == nil {
		g.failure = err
		close(g.failed)
	}
}

// open dials every websocket, completes connection_init, starts the
// subscription and the socket's reading goroutine.
func (g *fanOutGen) open(ctx context.Context, url string,
	readers *sync.WaitGroup) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, g.n)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	errs := make(chan error, fanOutDialers)
	for range fanOutDialers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(conns); i = int(next.Add(1)) - 1 {
				query, vars := g.mode.subscription(i, g.person)
				c, err := dialSubscriber(ctx, url, query, vars)
				if err != nil {
					errs <- fmt.Errorf("subscriber %d: %w", i, err)
					return
				}
				conns[i] = c
				readers.Go(func() { g.read(ctx, i, c) })
			}
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return conns, errors.Join(all...)
}

// dialSubscriber opens one graphql-transport-ws socket and subscribes.
func dialSubscriber(ctx context.Context, url, query string,
	vars map[string]any) (*websocket.Conn, error) {
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
		"payload": map[string]any{"query": query,
			"variables": vars}})
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
func (g *fanOutGen) read(ctx context.Context, i int, c *websocket.Conn) {
	buf := make([]byte, 0, 512)
	for {
		msg, err := readFrame(ctx, c, buf)
		buf = msg
		at := time.Now().UnixNano()
		if err != nil {
			if ctx.Err() == nil {
				g.fail(fmt.Errorf("subscriber %d: read: %w", i, err))
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
			g.fail(fmt.Errorf("subscriber %d: %w: %s", i, errUnexpectedFrame, msg))
			return
		}
		if want := strconv.FormatInt(g.want.Load(), 10); !isEvent(msg, want) {
			g.fail(fmt.Errorf("subscriber %d: want event %s with its person, got %s",
				i, want, msg))
			return
		}
		g.mu.Lock()
		g.stamps = append(g.stamps, at)
		if len(g.stamps) == g.n {
			g.complete <- struct{}{}
		}
		g.mu.Unlock()
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
// the hard limit: each subscriber holds a socket in each process, and the
// load generator inherits the limit.
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
