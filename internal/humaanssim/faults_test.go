package humaanssim

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// freshClient opens a new connection per request, so that the transport never retries a
// dropped request on another connection.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func (ts *testSim) request(t testing.TB, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.api+"/"+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+ts.Token())
	return req
}

func TestRateLimitFaults(t *testing.T) {
	ts := newTestSim(t, Options{People: 10})

	t.Run("429 carries Retry-After and stops after Times", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "people", Kind: FaultRateLimit, RetryAfter: 3, Times: 2})
		defer ts.ClearFaults()
		for range 2 {
			resp, err := http.DefaultClient.Do(ts.request(t, "people"))
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, "3", resp.Header.Get("Retry-After"))
			mustError(t, http.StatusTooManyRequests, "TooManyRequests", resp.StatusCode, body)
		}
		status, _ := ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
	})
	t.Run("429 without a header", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "job-roles", Kind: FaultRateLimitNoRetry, Times: 1})
		defer ts.ClearFaults()
		resp, err := http.DefaultClient.Do(ts.request(t, "job-roles"))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Empty(t, resp.Header.Get("Retry-After"))
	})
	t.Run("After lets requests through first and other routes are untouched", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "people", Kind: FaultRateLimit, After: 1, Times: 1})
		defer ts.ClearFaults()
		status, _ := ts.get(t, "locations")
		require.Equal(t, http.StatusOK, status)
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusTooManyRequests, status)
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
	})
	t.Run("a star route applies everywhere until cleared", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "*", Kind: FaultRateLimit})
		for _, route := range []string{"people", "me", "token-info", "custom-values"} {
			status, _ := ts.get(t, route)
			require.Equal(t, http.StatusTooManyRequests, status, route)
		}
		ts.ClearFaults()
		status, _ := ts.get(t, "me")
		require.Equal(t, http.StatusOK, status)
	})
}

func TestServerErrorFaults(t *testing.T) {
	ts := newTestSim(t, Options{People: 10})
	cases := []struct {
		status int
		want   int
		name   string
	}{{0, 500, "GeneralError"}, {502, 502, "BadGateway"}, {503, 503, "Unavailable"}}
	for _, c := range cases {
		t.Run(http.StatusText(c.want), func(t *testing.T) {
			ts.InjectFault(Fault{Route: "people", Kind: FaultServerError, Status: c.status,
				Times: 1})
			status, body := ts.get(t, "people")
			mustError(t, c.want, c.name, status, body)
			status, _ = ts.get(t, "people")
			require.Equal(t, http.StatusOK, status)
		})
	}
}

func TestLatencyFault(t *testing.T) {
	ts := newTestSim(t, Options{People: 10})

	t.Run("a short delay still answers", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "people", Kind: FaultLatency, Delay: 20 * time.Millisecond,
			Times: 1})
		status, _ := ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
	})
	t.Run("a long delay ends with the request", func(t *testing.T) {
		// An hour-long delay that ignored cancellation would hold the test server's Close.
		ts.InjectFault(Fault{Route: "people", Kind: FaultLatency, Delay: time.Hour, Times: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := freshClient().Do(ts.request(t, "people").WithContext(ctx))
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestConnectionFaults(t *testing.T) {
	ts := newTestSim(t, Options{People: 30})

	t.Run("a dropped connection gets no response", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "people", Kind: FaultDropConnection, Times: 1})
		_, err := freshClient().Do(ts.request(t, "people"))
		require.Error(t, err)
		status, _ := ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
	})
	t.Run("a truncated body fails to read", func(t *testing.T) {
		ts.InjectFault(Fault{Route: "people", Kind: FaultTruncateBody, Times: 1})
		resp, err := freshClient().Do(ts.request(t, "people"))
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		_, err = io.ReadAll(resp.Body)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})
}

func TestRevokeTokenFault(t *testing.T) {
	ts := newTestSim(t, Options{People: 10})
	ts.AddToken("spare", ScopePublicRead, ScopePrivateRead)
	ts.InjectFault(Fault{Route: "people", Kind: FaultRevokeToken, After: 1, Times: 1})

	status, _ := ts.get(t, "people")
	require.Equal(t, http.StatusOK, status)
	status, body := ts.get(t, "people")
	mustError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	status, _ = ts.get(t, "locations")
	require.Equal(t, http.StatusUnauthorized, status, "the token stays revoked")
	mustListWith[humaans.Person](t, ts, "spare", "people")
}

func TestShiftRecordsFault(t *testing.T) {
	t.Run("insertions repeat rows on the next page", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 60, Seed: 1})
		ts.InjectFault(Fault{Route: "people", Kind: FaultShiftRecords, Shift: 3, Times: 1})
		first := mustList[humaans.Person](t, ts, "people?$limit=10")
		second := mustList[humaans.Person](t, ts, "people?$limit=10&$skip=10")
		require.Equal(t, 60, first.Total)
		require.Equal(t, 63, second.Total)
		require.Equal(t, idsOf(first.Data[7:]), idsOf(second.Data[:3]))
		third := mustList[humaans.Person](t, ts, "people?$limit=10")
		require.Equal(t, "Inserted", third.Data[0].FirstName)
	})
	t.Run("deletions skip rows on the next page", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 60, Seed: 1})
		before := idsOf(ts.People())
		ts.InjectFault(Fault{Route: "people", Kind: FaultShiftRecords, Shift: -2, Times: 1})
		first := mustList[humaans.Person](t, ts, "people?$limit=10")
		require.Equal(t, before[:10], idsOf(first.Data))
		second := mustList[humaans.Person](t, ts, "people?$limit=10&$skip=10")
		require.Equal(t, 58, second.Total)
		require.Equal(t, before[12:22], idsOf(second.Data))
	})
	t.Run("job roles drift too, and later pages do not trigger it", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 60, Seed: 1})
		ts.InjectFault(Fault{Route: "job-roles", Kind: FaultShiftRecords, Shift: 2, Times: 1})
		mustList[humaans.JobRole](t, ts, "job-roles?$limit=10&$skip=10")
		untouched := mustList[humaans.JobRole](t, ts, "job-roles?$limit=10&$skip=10")
		first := mustList[humaans.JobRole](t, ts, "job-roles?$limit=10")
		second := mustList[humaans.JobRole](t, ts, "job-roles?$limit=10&$skip=10")
		require.Equal(t, untouched.Total+2, second.Total)
		require.Equal(t, idsOf2(first.Data[8:]), idsOf2(second.Data[:2]))
	})
	t.Run("locations take new rows at the front", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 20})
		ts.InjectFault(Fault{Route: "locations", Kind: FaultShiftRecords, Shift: 1, Times: 1})
		first := mustList[humaans.Location](t, ts, "locations")
		again := mustList[humaans.Location](t, ts, "locations")
		require.Len(t, again.Data, len(first.Data)+1)
		require.Equal(t, "Pop-up 1", again.Data[0].Label)
	})
}

func idsOf2(rows []humaans.JobRole) []string {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestRequestCounts(t *testing.T) {
	ts := newTestSim(t, Options{People: 5})
	ts.get(t, "people")
	ts.get(t, "people/x")
	ts.getWith(t, "", "people")
	ts.get(t, "job-roles")
	require.Equal(t, 3, ts.Requests("people"))
	require.Equal(t, 1, ts.Requests("job-roles"))
	require.Zero(t, ts.Requests("locations"))
	require.Equal(t, 4, ts.Requests("*"), "a star counts every route")
}
