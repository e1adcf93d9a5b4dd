package humaans_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// sleepRecorder replaces the client's waits: it records each requested
// duration and returns at once (or with ctx's error).
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *sleepRecorder) recorded() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

var smallCompany = humaanssim.Options{People: 30, Seed: 2}

func TestRateLimitedRequests(t *testing.T) {
	t.Run("429 with Retry-After waits what the server asked", func(t *testing.T) {
		rec := &sleepRecorder{}
		env := newTestEnv(t, smallCompany,
			humaans.WithBackoff(time.Millisecond, time.Minute), humaans.WithSleep(rec.sleep))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "locations", Kind: humaanssim.FaultRateLimit, Times: 2, RetryAfter: 7,
		})

		locations, err := env.client.Locations(context.Background())
		require.NoError(t, err)
		require.NotEmpty(t, locations)
		require.Equal(t, 3, env.sim.Requests("locations"))
		require.Equal(t, []time.Duration{7 * time.Second, 7 * time.Second}, rec.recorded())
	})

	t.Run("a long Retry-After is capped at the backoff max", func(t *testing.T) {
		rec := &sleepRecorder{}
		env := newTestEnv(t, smallCompany,
			humaans.WithBackoff(time.Millisecond, 2*time.Second), humaans.WithSleep(rec.sleep))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "companies", Kind: humaanssim.FaultRateLimit, Times: 1, RetryAfter: 3600,
		})

		_, err := env.client.Companies(context.Background())
		require.NoError(t, err)
		require.Equal(t, []time.Duration{2 * time.Second}, rec.recorded())
	})

	t.Run("429 without Retry-After backs off with jitter", func(t *testing.T) {
		rec := &sleepRecorder{}
		base, maxWait := 100*time.Millisecond, 300*time.Millisecond
		env := newTestEnv(t, smallCompany,
			humaans.WithBackoff(base, maxWait), humaans.WithSleep(rec.sleep))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "custom-fields", Kind: humaanssim.FaultRateLimitNoRetry, Times: 3,
		})

		_, err := env.client.CustomFields(context.Background())
		require.NoError(t, err)
		require.Equal(t, 4, env.sim.Requests("custom-fields"))
		waits := rec.recorded()
		require.Len(t, waits, 3)
		for i, w := range waits {
			ceiling := min(base<<i, maxWait)
			require.GreaterOrEqual(t, w, time.Duration(0))
			require.LessOrEqual(t, w, ceiling, "wait %d", i+1)
		}
	})

	t.Run("429 on every attempt is ErrRateLimited", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithMaxAttempts(4))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "locations", Kind: humaanssim.FaultRateLimit, RetryAfter: 2,
		})

		_, err := env.client.Locations(context.Background())
		require.ErrorIs(t, err, humaans.ErrRateLimited)
		apiErr := requireAPIError(t, err)
		require.Equal(t, 429, apiErr.StatusCode)
		require.Equal(t, 2*time.Second, apiErr.RetryAfter)
		require.Equal(t, 4, apiErr.Attempts)
		require.Equal(t, 4, env.sim.Requests("locations"))
		require.Contains(t, err.Error(), "humaans: GET /locations page 1: status 429")
	})
}

func TestServerErrors(t *testing.T) {
	t.Run("5xx then success", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.InjectFault(humaanssim.Fault{
			Route: "job-roles", Kind: humaanssim.FaultServerError, Status: 503, Times: 2,
		})

		roles, err := env.client.JobRoles(context.Background())
		require.NoError(t, err)
		require.NotEmpty(t, roles)
		require.Equal(t, 3, env.sim.Requests("job-roles"))
	})

	t.Run("persistent 5xx is ErrUnavailable after a bounded number of tries", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithMaxAttempts(3))
		env.sim.InjectFault(humaanssim.Fault{Route: "people", Kind: humaanssim.FaultServerError})

		_, err := env.client.People(context.Background(), humaans.StatusActive)
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		apiErr := requireAPIError(t, err)
		require.Equal(t, 500, apiErr.StatusCode)
		require.Equal(t, 3, apiErr.Attempts)
		require.Equal(t, 3, env.sim.Requests("people"))
		require.Contains(t, err.Error(), "GET /people?status=active page 1")
	})

	t.Run("the default attempt budget is five", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.InjectFault(humaanssim.Fault{
			Route: "companies", Kind: humaanssim.FaultServerError, Status: 502,
		})

		_, err := env.client.Companies(context.Background())
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		require.Equal(t, humaans.DefaultMaxAttempts, env.sim.Requests("companies"))
	})

	t.Run("a failure on a later page is retried on that page only", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 601, Seed: 3})
		env.sim.InjectFault(humaanssim.Fault{
			Route: "job-roles", Kind: humaanssim.FaultServerError, After: 1, Times: 1,
		})

		roles, err := env.client.JobRoles(context.Background())
		require.NoError(t, err)
		require.Equal(t, pagesFor(len(roles))+1, env.sim.Requests("job-roles"))
	})
}

func TestBrokenResponses(t *testing.T) {
	t.Run("a dropped connection is retried", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.InjectFault(humaanssim.Fault{
			Route: "locations", Kind: humaanssim.FaultDropConnection, Times: 2,
		})

		_, err := env.client.Locations(context.Background())
		require.NoError(t, err)
		require.Equal(t, 3, env.sim.Requests("locations"))
	})

	t.Run("connections dropped on every attempt are ErrUnavailable", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithMaxAttempts(2))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "locations", Kind: humaanssim.FaultDropConnection,
		})

		_, err := env.client.Locations(context.Background())
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		require.Zero(t, requireAPIError(t, err).StatusCode)
	})

	t.Run("a truncated body is retried", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultTruncateBody, Times: 1,
		})

		people, err := env.client.People(context.Background(), humaans.StatusActive)
		require.NoError(t, err)
		require.NotEmpty(t, people)
		require.Equal(t, 2, env.sim.Requests("people"))
	})

	t.Run("bodies truncated on every attempt are ErrBadResponse", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithMaxAttempts(3))
		env.sim.InjectFault(humaanssim.Fault{Route: "me", Kind: humaanssim.FaultTruncateBody})

		_, err := env.client.Me(context.Background())
		require.ErrorIs(t, err, humaans.ErrBadResponse)
		require.Equal(t, 3, requireAPIError(t, err).Attempts)
		require.Equal(t, 3, env.sim.Requests("me"))
	})
}

func TestRequestTimeout(t *testing.T) {
	t.Run("a slow answer times out and the retry succeeds", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithRequestTimeout(50*time.Millisecond))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "companies", Kind: humaanssim.FaultLatency, Delay: time.Minute, Times: 1,
		})

		companies, err := env.client.Companies(context.Background())
		require.NoError(t, err)
		require.NotEmpty(t, companies)
		require.Equal(t, 2, env.sim.Requests("companies"))
	})

	t.Run("a server slow on every attempt is ErrUnavailable", func(t *testing.T) {
		env := newTestEnv(t, smallCompany,
			humaans.WithRequestTimeout(30*time.Millisecond), humaans.WithMaxAttempts(2))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "companies", Kind: humaanssim.FaultLatency, Delay: time.Minute,
		})

		_, err := env.client.Companies(context.Background())
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		require.NotErrorIs(t, err, context.DeadlineExceeded,
			"a per-attempt timeout is not the caller's deadline")
		require.Contains(t, err.Error(), "no complete response within 30ms")
		require.Equal(t, 2, env.sim.Requests("companies"))
	})
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	t.Run("an unknown key is ErrInvalidCredentials after one request", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		c := newTestClient(t, env.url, "not-a-known-token", env.logs)

		_, err := c.Locations(context.Background())
		require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
		apiErr := requireAPIError(t, err)
		require.Equal(t, 401, apiErr.StatusCode)
		require.Equal(t, "NotAuthenticated", apiErr.Name)
		require.Equal(t, 1, env.sim.Requests("locations"))
	})

	t.Run("a missing /token-info is ErrNotFound after one request", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 10, NoTokenInfo: true})

		_, err := env.client.TokenInfo(context.Background())
		require.ErrorIs(t, err, humaans.ErrNotFound)
		require.Equal(t, "NotFound", requireAPIError(t, err).Name)
		require.Equal(t, 1, env.sim.Requests("token-info"))
	})
}

func requireAPIError(t *testing.T, err error) *humaans.APIError {
	t.Helper()
	var apiErr *humaans.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}
