package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWebhook(t *testing.T) {
	secret := []byte("webhook-secret")
	var calls atomic.Int32
	var fail atomic.Bool
	h := &webhookHandler{
		secret: secret,
		sync: func(context.Context) (int, bool, error) {
			calls.Add(1)
			if fail.Load() {
				return 0, false, errors.New("scheduler is shutting down")
			}
			return 7, false, nil
		},
		logger: slog.New(slog.DiscardHandler),
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	post := func(t *testing.T, body []byte, sig string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		require.NoError(t, err)
		if sig != "" {
			req.Header.Set(SignatureHeader, sig)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	body := []byte(`{"event":"person.updated","data":{"id":"x"}}`)

	t.Run("a signed delivery starts a sync", func(t *testing.T) {
		res := post(t, body, Sign(secret, body))
		require.Equal(t, http.StatusAccepted, res.StatusCode)
		var got struct{ SyncRunID int }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
		require.Equal(t, 7, got.SyncRunID)
		require.EqualValues(t, 1, calls.Load())
	})

	t.Run("the sha256= prefix is accepted", func(t *testing.T) {
		res := post(t, body, "sha256="+Sign(secret, body))
		require.Equal(t, http.StatusAccepted, res.StatusCode)
	})

	t.Run("a wrong or missing signature is refused without a sync", func(t *testing.T) {
		before := calls.Load()
		require.Equal(t, http.StatusUnauthorized, post(t, body, Sign([]byte("other"), body)).StatusCode)
		require.Equal(t, http.StatusUnauthorized, post(t, body, "").StatusCode)
		require.Equal(t, http.StatusUnauthorized, post(t, body, "not-hex").StatusCode)
		require.Equal(t, before, calls.Load())
	})

	t.Run("a signed body that is not JSON is a bad request", func(t *testing.T) {
		bad := []byte("{not json")
		require.Equal(t, http.StatusBadRequest, post(t, bad, Sign(secret, bad)).StatusCode)
	})

	t.Run("only POST is allowed", func(t *testing.T) {
		res, err := http.Get(srv.URL)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	})

	t.Run("a sync that cannot start is reported as unavailable", func(t *testing.T) {
		fail.Store(true)
		t.Cleanup(func() { fail.Store(false) })
		require.Equal(t, http.StatusServiceUnavailable, post(t, body, Sign(secret, body)).StatusCode)
	})
}
