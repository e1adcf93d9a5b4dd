package humaans_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// secretKey is distinctive so that any leak into a message is found.
const secretKey = "pg-test-SECRET-9c1f0e77b2a4d6"

func TestKeyNeverAppearsInErrorsOrLogs(t *testing.T) {
	faults := []humaanssim.Fault{
		{Kind: humaanssim.FaultRateLimit, RetryAfter: 1},
		{Kind: humaanssim.FaultRateLimitNoRetry},
		{Kind: humaanssim.FaultServerError, Status: 503},
		{Kind: humaanssim.FaultLatency, Delay: time.Minute},
		{Kind: humaanssim.FaultDropConnection},
		{Kind: humaanssim.FaultTruncateBody},
		{Kind: humaanssim.FaultShiftRecords, Shift: 1},
		{Kind: humaanssim.FaultRevokeToken},
	}
	for _, f := range faults {
		t.Run(fmt.Sprintf("under %s", f.Kind), func(t *testing.T) {
			opts := humaanssim.Options{People: 601, Seed: 3, Token: secretKey}
			env := newTestEnv(t, opts,
				humaans.WithMaxAttempts(2), humaans.WithRequestTimeout(30*time.Millisecond))
			f.Route = "*"
			env.sim.InjectFault(f)

			_, snapErr := env.client.Snapshot(context.Background())
			_, verifyErr := env.client.Verify(context.Background())
			_, peopleErr := env.client.People(context.Background(), humaans.StatusActive)
			errs := []error{snapErr, peopleErr}
			if f.Kind != humaanssim.FaultShiftRecords {
				// Shifting records only disturbs listings; /me and /token-info work.
				errs = append(errs, verifyErr)
			}
			for _, err := range errs {
				require.Error(t, err)
				require.NotContains(t, err.Error(), secretKey)
				require.NotContains(t, fmt.Sprintf("%+v", err), secretKey)
			}
			require.NotEmpty(t, env.logs.String())
			require.NotContains(t, env.logs.String(), secretKey)
		})
	}

	t.Run("with a refused key", func(t *testing.T) {
		env := newTestEnv(t, humaanssim.Options{People: 10})
		c := newTestClient(t, env.url, secretKey, env.logs)
		_, err := c.Verify(context.Background())
		require.ErrorIs(t, err, humaans.ErrInvalidCredentials)
		require.NotContains(t, err.Error(), secretKey)
		require.NotContains(t, env.logs.String(), secretKey)
	})

	t.Run("with an unreachable server", func(t *testing.T) {
		logs := &syncBuffer{}
		c := newTestClient(t, "http://127.0.0.1:1/api", secretKey, logs, humaans.WithMaxAttempts(2))
		_, err := c.Me(context.Background())
		require.ErrorIs(t, err, humaans.ErrUnavailable)
		require.NotContains(t, err.Error(), secretKey)
		require.NotContains(t, logs.String(), secretKey)
	})
}
