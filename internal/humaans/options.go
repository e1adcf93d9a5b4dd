package humaans

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"
)

// Defaults applied by New when no option overrides them.
const (
	DefaultBaseURL        = "https://app.humaans.io/api"
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxAttempts    = 5
	DefaultBackoffBase    = 500 * time.Millisecond
	DefaultBackoffMax     = 30 * time.Second
	DefaultRateLimit      = 10.0
	DefaultRateBurst      = 10
	DefaultConcurrency    = 4
)

// Progress reports how far one listing has got. Resource is the route, with
// the status for people listings ("people?status=active"); Total is what the
// server reported on its latest page.
type Progress struct {
	Resource string
	Fetched  int
	Total    int
}

// Option configures a Client. Options validate their arguments; New returns
// the first error.
type Option func(*config) error

type config struct {
	httpClient  *http.Client
	timeout     time.Duration
	maxAttempts int
	backoffBase time.Duration
	backoffMax  time.Duration
	rps         float64
	burst       int
	concurrency int
	logger      *slog.Logger
	progress    func(Progress)
	sleep       func(context.Context, time.Duration) error
	now         func() time.Time
}

func defaultConfig() config {
	return config{
		httpClient:  &http.Client{},
		timeout:     DefaultRequestTimeout,
		maxAttempts: DefaultMaxAttempts,
		backoffBase: DefaultBackoffBase,
		backoffMax:  DefaultBackoffMax,
		rps:         DefaultRateLimit,
		burst:       DefaultRateBurst,
		concurrency: DefaultConcurrency,
		logger:      slog.New(slog.DiscardHandler),
		progress:    func(Progress) {},
		sleep:       sleepCtx,
		now:         time.Now,
	}
}

// WithHTTPClient sets the HTTP client used for every request. Its own
// Timeout, if any, applies on top of the per-attempt timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("http client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRequestTimeout bounds each attempt, including reading its body.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("request timeout %s is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxAttempts sets how many times a request is tried before giving up
// (1 disables retries).
func WithMaxAttempts(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("max attempts %d is below 1", n)
		}
		c.maxAttempts = n
		return nil
	}
}

// WithBackoff sets the retry backoff: attempt n waits a random duration up to
// base*2^(n-1), never more than max. A server's Retry-After is capped at max
// too.
func WithBackoff(base, maxWait time.Duration) Option {
	return func(c *config) error {
		if base <= 0 || maxWait < base {
			return fmt.Errorf("backoff base %s and max %s must satisfy 0 < base <= max",
				base, maxWait)
		}
		c.backoffBase, c.backoffMax = base, maxWait
		return nil
	}
}

// WithRateLimit limits the requests the client starts to rps per second, with
// bursts of up to burst. math.Inf(1) disables the limit.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) error {
		if !(rps > 0) || burst < 1 {
			return fmt.Errorf("rate limit %v/s with burst %d: both must be positive", rps, burst)
		}
		c.rps, c.burst = rps, burst
		return nil
	}
}

// WithConcurrency bounds how many requests the client has in flight at once,
// across every listing and page.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("concurrency %d is below 1", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithLogger sets the logger for per-request detail (Debug) and re-reads of
// drifting listings (Warn). The key is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithProgress registers fn to be called after each page. Calls for
// concurrent listings may come from several goroutines, but never at once.
func WithProgress(fn func(Progress)) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("progress func is nil")
		}
		c.progress = fn
		return nil
	}
}

// WithSleep replaces how the client waits between attempts. fn must return
// ctx's error promptly once ctx is done.
func WithSleep(fn func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("sleep func is nil")
		}
		c.sleep = fn
		return nil
	}
}

// WithClock sets the clock used to interpret an HTTP-date Retry-After.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		c.now = now
		return nil
	}
}

// sleepCtx waits for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isInf reports whether rps means "no limit".
func isInf(rps float64) bool { return math.IsInf(rps, 1) }
