package app

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus series. They live on a registry of
// their own, so tests can build several apps in one process.
type metrics struct {
	registry     *prometheus.Registry
	syncRuns     *prometheus.CounterVec
	syncDuration prometheus.Histogram
	lastSuccess  prometheus.Gauge
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	// The graph reports every cached query and every event sent to each
	// subscriber, so their series are looked up once, here.
	cacheHits, cacheMisses      prometheus.Counter
	streamedShared, streamedOwn prometheus.Counter
}

func newMetrics() *metrics {
	cachedQuery := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "peoplegraph_graph_cached_queries_total",
		Help: "Directory queries answered from the response cache (hit) or executed (miss).",
	}, []string{"result"})
	streamed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "peoplegraph_graph_streamed_events_total",
		Help: "Events sent to subscribers, by whether their response was shared with " +
			"other subscribers or resolved for the subscriber alone (own).",
	}, []string{"resolution"})
	m := &metrics{
		registry: prometheus.NewRegistry(),
		syncRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "peoplegraph_sync_runs_total",
			Help: "Directory sync runs by trigger and outcome.",
		}, []string{"trigger", "outcome"}),
		syncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "peoplegraph_sync_duration_seconds",
			Help:    "Wall time of directory sync runs.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
		}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "peoplegraph_sync_last_success_timestamp_seconds",
			Help: "When the last successful sync finished, as a Unix time.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "peoplegraph_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "peoplegraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		// Every series exists from the start, so that rates begin at zero.
		cacheHits:      cachedQuery.WithLabelValues("hit"),
		cacheMisses:    cachedQuery.WithLabelValues("miss"),
		streamedShared: streamed.WithLabelValues("shared"),
		streamedOwn:    streamed.WithLabelValues("own"),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.syncRuns, m.syncDuration, m.lastSuccess, m.requests, m.latency,
		cachedQuery, streamed,
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// CachedQuery counts a directory query the graph's response cache saw.
func (m *metrics) CachedQuery(hit bool) {
	if hit {
		m.cacheHits.Inc()
	} else {
		m.cacheMisses.Inc()
	}
}

// StreamedEvent counts an event sent to a subscriber.
func (m *metrics) StreamedEvent(shared bool) {
	if shared {
		m.streamedShared.Inc()
	} else {
		m.streamedOwn.Inc()
	}
}

// observeSync records one finished sync run.
func (m *metrics) observeSync(trigger, outcome string, took time.Duration, finished time.Time) {
	m.syncRuns.WithLabelValues(trigger, outcome).Inc()
	m.syncDuration.Observe(took.Seconds())
	if outcome == "SUCCEEDED" {
		m.lastSuccess.Set(float64(finished.Unix()))
	}
}

// instrument counts requests to a route. Websocket and SSE streams are
// counted when they end.
func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	requests := m.requests.MustCurryWith(prometheus.Labels{"route": route})
	latency := m.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		requests.WithLabelValues(strconv.Itoa(rec.status)).Inc()
		latency.Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code while passing the writer's
// optional interfaces (flushing for SSE, hijacking for websockets) through.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection over for websockets.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the response writer cannot be hijacked")
	}
	r.status = http.StatusSwitchingProtocols
	return h.Hijack()
}
