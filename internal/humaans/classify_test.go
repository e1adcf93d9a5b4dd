package humaans

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	c := newUnitClient(t, WithClock(func() time.Time { return now }))
	people := request{op: "GET /people page 1", route: "/people"}
	me := request{op: "GET /me", route: "/me"}
	decodeEnvelope := func(b []byte) error {
		var env envelope[Person]
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		if env.Total == nil || env.Data == nil {
			return errEnvelope
		}
		return nil
	}
	errorBody := []byte(`{"name":"Forbidden","message":"nope","code":403}`)

	cases := []struct {
		name  string
		req   request
		res   response
		kind  error
		retry bool
	}{
		{"a whole envelope succeeds", people,
			response{status: 200, body: []byte(`{"total":0,"limit":250,"skip":0,"data":[]}`)},
			nil, false},
		{"cut-off JSON is a retryable bad response", people,
			response{status: 200, body: []byte(`{"total":3,"data":[{"id":"a"`)},
			ErrBadResponse, true},
		{"HTML instead of JSON is a retryable bad response", people,
			response{status: 200, body: []byte(`<html>maintenance</html>`)},
			ErrBadResponse, true},
		{"a missing data array is a final bad response", people,
			response{status: 200, body: []byte(`{"total":3}`)}, ErrBadResponse, false},
		{"a wrongly typed field is a final bad response", people,
			response{status: 200, body: []byte(`{"total":"many","data":[]}`)},
			ErrBadResponse, false},
		{"401 is invalid credentials", people, response{status: 401},
			ErrInvalidCredentials, false},
		{"403 on /me is invalid credentials", me, response{status: 403, body: errorBody},
			ErrInvalidCredentials, false},
		{"403 elsewhere is a missing scope", people, response{status: 403, body: errorBody},
			ErrMissingScope, false},
		{"404 is not found", people, response{status: 404}, ErrNotFound, false},
		{"400 is final and has no kind", people, response{status: 400}, nil, false},
		{"408 is retried", people, response{status: 408}, ErrUnavailable, true},
		{"502 is retried", people, response{status: 502}, ErrUnavailable, true},
		{"429 is retried", people, response{status: 429}, ErrRateLimited, true},
		{"a transport error is retried", people,
			response{err: errors.New("connection refused")}, ErrUnavailable, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.res.header == nil {
				tc.res.header = http.Header{}
			}
			apiErr, retry := c.classify(tc.req, tc.res, decodeEnvelope)
			require.Equal(t, tc.retry, retry)
			if tc.name == "a whole envelope succeeds" {
				require.Nil(t, apiErr)
				return
			}
			require.NotNil(t, apiErr)
			require.Equal(t, tc.kind, apiErr.Kind)
			require.Equal(t, tc.res.status, apiErr.StatusCode)
		})
	}

	t.Run("the error body's name and message are kept", func(t *testing.T) {
		apiErr, _ := c.classify(people, response{status: 403, body: errorBody}, decodeEnvelope)
		require.Equal(t, "Forbidden", apiErr.Name)
		require.Equal(t, "nope", apiErr.Message)
	})

	t.Run("a key echoed by the server is redacted", func(t *testing.T) {
		body := []byte(`{"name":"NotAuthenticated","message":"bad token ` + unitKey + `"}`)
		apiErr, _ := c.classify(people, response{status: 401, body: body}, decodeEnvelope)
		require.NotContains(t, apiErr.Error(), unitKey)
		require.Contains(t, apiErr.Message, "[redacted]")
	})

	t.Run("a 503 with an HTTP-date Retry-After is read against the clock", func(t *testing.T) {
		header := http.Header{"Retry-After": {now.Add(4 * time.Second).Format(http.TimeFormat)}}
		apiErr, retry := c.classify(people, response{status: 503, header: header}, decodeEnvelope)
		require.True(t, retry)
		require.Equal(t, 4*time.Second, apiErr.RetryAfter)
	})
}

func TestCollector(t *testing.T) {
	c := newUnitClient(t)
	l := newListing("/people", nil)
	id := func(p *Person) string { return p.ID }

	t.Run("a listing short of its total is incomplete", func(t *testing.T) {
		k := newCollector(c, l, id, 3)
		require.NoError(t, k.add([]Person{{ID: "a"}, {ID: "b"}}))
		rows, err := k.result()
		require.ErrorIs(t, err, errIncomplete)
		require.Len(t, rows, 2)
		require.ErrorIs(t, listingError(l, err), ErrBadResponse)
	})

	t.Run("an id on two pages is drift", func(t *testing.T) {
		k := newCollector(c, l, id, 3)
		require.NoError(t, k.add([]Person{{ID: "a"}, {ID: "b"}}))
		require.ErrorIs(t, k.add([]Person{{ID: "b"}}), errDrift)
	})

	t.Run("a wrong total cannot force a huge allocation", func(t *testing.T) {
		k := newCollector(c, l, id, 1<<40)
		require.LessOrEqual(t, cap(k.rows), maxPrealloc)
	})
}
