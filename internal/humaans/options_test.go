package humaans

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const unitKey = "unit-test-key-9f8e7d"

// newUnitClient builds a client for tests that never reach a server.
func newUnitClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	c, err := New("http://127.0.0.1:1/api", unitKey, opts...)
	require.NoError(t, err)
	return c
}

func TestNew(t *testing.T) {
	t.Run("an empty base URL means the Humaans API", func(t *testing.T) {
		c, err := New("", unitKey)
		require.NoError(t, err)
		require.Equal(t, DefaultBaseURL, c.base)
	})

	t.Run("a trailing slash is dropped", func(t *testing.T) {
		c, err := New("https://example.test/api/", unitKey)
		require.NoError(t, err)
		require.Equal(t, "https://example.test/api", c.base)
	})

	t.Run("the defaults match the documented ones", func(t *testing.T) {
		c := newUnitClient(t)
		require.Equal(t, DefaultRequestTimeout, c.cfg.timeout)
		require.Equal(t, DefaultMaxAttempts, c.cfg.maxAttempts)
		require.Equal(t, DefaultBackoffBase, c.cfg.backoffBase)
		require.Equal(t, DefaultBackoffMax, c.cfg.backoffMax)
		require.Equal(t, DefaultConcurrency, cap(c.slots))
		require.InDelta(t, DefaultRateLimit, float64(c.limiter.Limit()), 0)
		require.Equal(t, DefaultRateBurst, c.limiter.Burst())
	})

	bad := []struct {
		name string
		url  string
		key  string
	}{
		{"a relative URL", "/api", unitKey},
		{"another scheme", "ftp://example.test/api", unitKey},
		{"credentials in the URL", "https://u:p@example.test/api", unitKey},
		{"a query in the URL", "https://example.test/api?x=1", unitKey},
		{"an unparsable URL", "http://[::1", unitKey},
		{"an empty key", "https://example.test/api", ""},
		{"a blank key", "https://example.test/api", "  "},
		{"a key with a newline", "https://example.test/api", "abc\ndef"},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, err := New(tc.url, tc.key)
			require.Error(t, err)
			if tc.key != "" {
				require.NotContains(t, err.Error(), tc.key)
			}
		})
	}
}

func TestOptionsRefuseNonsense(t *testing.T) {
	cases := map[string]Option{
		"nil http client":   WithHTTPClient(nil),
		"zero timeout":      WithRequestTimeout(0),
		"negative timeout":  WithRequestTimeout(-time.Second),
		"zero attempts":     WithMaxAttempts(0),
		"zero backoff base": WithBackoff(0, time.Second),
		"max below base":    WithBackoff(time.Second, time.Millisecond),
		"zero rate":         WithRateLimit(0, 1),
		"NaN rate":          WithRateLimit(math.NaN(), 1),
		"zero burst":        WithRateLimit(5, 0),
		"zero concurrency":  WithConcurrency(0),
		"nil logger":        WithLogger(nil),
		"nil progress func": WithProgress(nil),
		"nil sleep func":    WithSleep(nil),
		"nil clock":         WithClock(nil),
	}
	for name, opt := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := New("https://example.test/api", unitKey, opt)
			require.Error(t, err)
		})
	}

	t.Run("valid values are kept", func(t *testing.T) {
		hc := &http.Client{}
		c := newUnitClient(t, WithHTTPClient(hc), WithRequestTimeout(time.Second),
			WithMaxAttempts(2), WithBackoff(time.Millisecond, time.Second),
			WithRateLimit(math.Inf(1), 3), WithConcurrency(7))
		require.Same(t, hc, c.cfg.httpClient)
		require.Equal(t, time.Second, c.cfg.timeout)
		require.Equal(t, 2, c.cfg.maxAttempts)
		require.Equal(t, 7, cap(c.slots))
		require.Equal(t, rate.Inf, c.limiter.Limit())
	})
}
