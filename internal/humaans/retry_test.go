package humaans

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header string
		want   time.Duration
		ok     bool
	}{
		{"delay seconds", "7", 7 * time.Second, true},
		{"zero seconds", "0", 0, true},
		{"padded seconds", " 3 ", 3 * time.Second, true},
		{"an HTTP date ahead", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second,
			true},
		{"an HTTP date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"absent", "", 0, false},
		{"negative", "-5", 0, false},
		{"garbage", "soon", 0, false},
		{"huge seconds are bounded", "99999999999999", maxRetryAfterSeconds * time.Second, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.header, now)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestBackoff(t *testing.T) {
	base, maxWait := 100*time.Millisecond, 2*time.Second
	highest := func(n int64) int64 { return n - 1 }
	lowest := func(int64) int64 { return 0 }

	t.Run("the ceiling doubles per attempt up to the max", func(t *testing.T) {
		want := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000}
		for i, w := range want {
			require.Equal(t, w*time.Millisecond, backoff(base, maxWait, i+1, highest),
				"attempt %d", i+1)
		}
	})

	t.Run("full jitter can wait nothing", func(t *testing.T) {
		require.Zero(t, backoff(base, maxWait, 3, lowest))
	})

	t.Run("huge attempt numbers do not overflow", func(t *testing.T) {
		for _, attempt := range []int{40, 62, 63, 64, 1000} {
			require.Equal(t, maxWait, backoff(base, maxWait, attempt, highest))
		}
	})

	t.Run("real jitter stays within bounds", func(t *testing.T) {
		c := newUnitClient(t, WithBackoff(base, maxWait))
		for attempt := 1; attempt <= 8; attempt++ {
			ceiling := min(base<<(attempt-1), maxWait)
			for range 200 {
				d := c.wait(attempt, 0)
				require.GreaterOrEqual(t, d, time.Duration(0))
				require.LessOrEqual(t, d, ceiling)
			}
		}
	})

	t.Run("Retry-After is honoured but capped at the max", func(t *testing.T) {
		c := newUnitClient(t, WithBackoff(base, maxWait))
		require.Equal(t, time.Second, c.wait(1, time.Second))
		require.Equal(t, maxWait, c.wait(1, time.Hour))
	})
}

func TestSleepCtx(t *testing.T) {
	t.Run("a cancelled context returns at once", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, sleepCtx(ctx, time.Hour), context.Canceled)
	})

	t.Run("a short wait completes", func(t *testing.T) {
		require.NoError(t, sleepCtx(context.Background(), time.Millisecond))
	})
}

func TestAPIError(t *testing.T) {
	cause := errors.New("connection reset by peer")
	err := fmt.Errorf("syncing: %w", &APIError{
		Op: "GET /people page 3", Route: "/people", StatusCode: 503, Name: "GeneralError",
		Message: "try later", Attempts: 5, Kind: ErrUnavailable, Err: cause,
	})

	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorIs(t, err, cause)
	require.NotErrorIs(t, err, ErrRateLimited)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 503, apiErr.StatusCode)
	require.Equal(t, "syncing: humaans: GET /people page 3: status 503: GeneralError: try later: "+
		"connection reset by peer (after 5 attempts)", err.Error())

	bare := &APIError{Op: "GET /me", Kind: ErrNotFound}
	require.Equal(t, "humaans: GET /me: not found", bare.Error())
}
