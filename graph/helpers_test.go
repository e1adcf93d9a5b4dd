package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/operator"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// countingObserver counts what the handler's caches report.
type countingObserver struct {
	hits, misses, shared, own atomic.Int64
}

func (o *countingObserver) CachedQuery(hit bool) {
	if hit {
		o.hits.Add(1)
	} else {
		o.misses.Add(1)
	}
}

func (o *countingObserver) StreamedEvent(shared bool) {
	if shared {
		o.shared.Add(1)
	} else {
		o.own.Add(1)
	}
}

// countingDriver counts the statements sent to the database.
type countingDriver struct {
	dialect.Driver
	n atomic.Int64
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, query, args, v)
}

// env is the graph over HTTP on a database synced from the simulator
// through the real client and engine.
type env struct {
	sim     *humaanssim.Simulator
	db      *store.DB
	engine  *hrsync.Engine
	sched   *schedule.Scheduler
	clock   *clockwork.FakeClock
	srv     *httptest.Server
	queries *countingDriver
	// broker streams the log to subscriptions, with envOptions.events.
	broker *pubsub.Broker
	// selected are the custom fields the first sync selected.
	selected []string
	// flush empties the read cache, with envOptions.serviceCache.
	flush func()
}

// serviceCacheTTL is the read cache's TTL in the service's default
// configuration (internal/app, -graph-cache-ttl).
const serviceCacheTTL = 30 * time.Second

// envOptions changes what newEnv builds.
type envOptions struct {
	people int
	seed   int64
	auth   *auth.Authenticator
	limits graph.Limits
	// noSync leaves the database empty.
	noSync bool
	// cacheTTL turns the shared read cache on, expiring on the env's clock.
	cacheTTL time.Duration
	// serviceCache configures the read cache as the service does: its TTL,
	// the real clock and a flush hook kept in env.flush.
	serviceCache bool
	// events starts an event broker and a lifecycle evaluator for the graph,
	// the broker with these options.
	events     bool
	brokerOpts []pubsub.Option
	// wrapListener, when set, wraps the server's listener.
	wrapListener func(net.Listener) net.Listener
	// observer, when set, is the handler's Observer.
	observer graph.Observer
}

func newEnv(t testing.TB, db *store.DB, o envOptions) *env {
	t.Helper()
	if o.people == 0 {
		o.people = 60
	}
	sim, url := humaanssim.Start(t, humaanssim.Options{People: o.people, Seed: o.seed})
	hc, err := humaans.New(url, sim.Token(),
		humaans.WithRateLimit(math.Inf(1), 1),
		humaans.WithMaxAttempts(2),
		humaans.WithBackoff(time.Millisecond, 5*time.Millisecond),
		humaans.WithRequestTimeout(10*time.Second),
	)
	require.NoError(t, err)
	clock := clockwork.NewFakeClockAt(sim.Now())
	engine := hrsync.New(db, hc, hrsync.WithClock(clock), hrsync.WithRunStarted(schedule.Started))
	sched, err := schedule.New(schedule.Config{
		Sync:    operator.SyncFunc(engine),
		LastRun: func(context.Context) (time.Time, bool, error) { return time.Time{}, false, nil },
		Clock:   clock,
		Logger:  slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sched.Shutdown(context.Background()) })

	e := &env{sim: sim, db: db, engine: engine, sched: sched, clock: clock}
	if !o.noSync {
		e.initialSync(t)
	}
	e.queries = &countingDriver{Driver: entsql.OpenDB(db.Dialect, db.SQL)}
	client := ent.NewClient(ent.Driver(e.queries))
	var eval graph.Lifecycle
	if o.events {
		e.broker = pubsub.New(db, o.brokerOpts...)
		require.NoError(t, e.broker.Start(context.Background()))
		t.Cleanup(func() { require.NoError(t, e.broker.Close()) })
		ev, err := lifecycle.New(db, lifecycle.Config{Clock: clock})
		require.NoError(t, err)
		eval = ev
	}
	opts := graph.Options{
		Broker:    e.broker,
		Lifecycle: eval,
		Client:    client,
		Operator:  operator.New(sched, engine, db),
		Auth:      o.auth,
		Limits:    o.limits,
		CacheTTL:  o.cacheTTL,
		Clock:     clock,
		Logger:    slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		Observer:  o.observer,
	}
	if o.serviceCache {
		opts.CacheTTL, opts.Clock = serviceCacheTTL, nil
		opts.OnFlush = func(flush func()) { e.flush = flush }
	}
	h := graph.NewHandler(opts)
	e.srv = httptest.NewUnstartedServer(h)
	if o.wrapListener != nil {
		e.srv.Listener = o.wrapListener(e.srv.Listener)
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// initialSync syncs, selects every custom field and syncs again, so that
// custom values are present.
func (e *env) initialSync(t testing.TB) {
	t.Helper()
	e.sync(t)
	defs, err := e.db.Client.CustomFieldDefinition.Query().All(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, defs, "the simulator serves custom fields")
	e.selected = nil
	for _, d := range defs {
		e.selected = append(e.selected, d.Name)
	}
	require.NoError(t, e.engine.SelectCustomFields(context.Background(), e.selected))
	e.sync(t)
}

// sync runs one sync and requires it to succeed.
func (e *env) sync(t testing.TB) *ent.SyncRun {
	t.Helper()
	run, err := e.engine.Run(context.Background(), syncrun.TriggerMANUAL)
	require.NoError(t, err)
	require.Equal(t, syncrun.StatusSUCCEEDED, run.Status, "held: %v", run.HeldReason)
	return run
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResponse is a GraphQL response with its HTTP status.
type gqlResponse struct {
	Status int             `json:"-"`
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// codes returns the extensions.code of every error.
func (r *gqlResponse) codes() []string {
	out := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		out[i], _ = e.Extensions["code"].(string)
	}
	return out
}

// post sends a query with a bearer token ("" for none) and decodes the answer.
func (e *env) post(t testing.TB, token, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := &gqlResponse{Status: res.StatusCode}
	require.NoError(t, json.Unmarshal(raw, out), "body: %s", raw)
	return out
}

// query posts a query that must succeed without errors and decodes its
// data into v.
func (e *env) query(t testing.TB, query string, vars map[string]any, v any) {
	t.Helper()
	res := e.post(t, "", query, vars)
	require.Empty(t, res.Errors, "query failed: %s", query)
	require.NoError(t, json.Unmarshal(res.Data, v))
}

// count returns how many statements fn sent to the database.
func (e *env) count(fn func()) int64 {
	before := e.queries.n.Load()
	fn()
	return e.queries.n.Load() - before
}

// testWriter sends log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
