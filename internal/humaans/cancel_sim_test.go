package humaans_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// guard bounds how long a test waits for a call that should return promptly,
// so a hang fails the test instead of stalling the suite.
const guard = 10 * time.Second

func TestContextCancellation(t *testing.T) {
	t.Run("cancelling during a slow request returns the context error", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		env.sim.InjectFault(humaanssim.Fault{
			Route: "people", Kind: humaanssim.FaultLatency, Delay: time.Hour,
		})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()

		done := make(chan error, 1)
		go func() {
			_, err := env.client.People(ctx)
			done <- err
		}()
		require.Eventually(t, func() bool { return env.sim.Requests("people") > 0 },
			guard, time.Millisecond)
		cancel()

		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, humaans.ErrUnavailable)
			require.Contains(t, err.Error(), "humaans: GET /people?status=")
		case <-time.After(guard):
			t.Fatal("People did not return after its context was cancelled")
		}
	})

	t.Run("cancelling during a backoff wait returns the context error", func(t *testing.T) {
		sleeping := make(chan struct{}, 1)
		env := newTestEnv(t, smallCompany, humaans.WithSleep(
			func(ctx context.Context, d time.Duration) error {
				sleeping <- struct{}{}
				<-ctx.Done()
				return ctx.Err()
			}))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "locations", Kind: humaanssim.FaultServerError,
		})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()

		done := make(chan error, 1)
		go func() {
			_, err := env.client.Locations(ctx)
			done <- err
		}()
		<-sleeping
		cancel()

		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, 1, env.sim.Requests("locations"))
		case <-time.After(guard):
			t.Fatal("Locations did not return after its context was cancelled")
		}
	})

	t.Run("a cancelled context makes no request", func(t *testing.T) {
		env := newTestEnv(t, smallCompany)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err := env.client.Snapshot(ctx)
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, env.sim.Requests("*"))
	})

	t.Run("the caller's deadline ends retries of a slow server", func(t *testing.T) {
		env := newTestEnv(t, smallCompany, humaans.WithRequestTimeout(time.Hour))
		env.sim.InjectFault(humaanssim.Fault{
			Route: "me", Kind: humaanssim.FaultLatency, Delay: time.Hour,
		})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()

		_, err := env.client.Me(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Equal(t, 1, env.sim.Requests("me"))
	})
}
