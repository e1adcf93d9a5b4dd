package humaanssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// envelope is a decoded list page.
type envelope[T any] struct {
	Total int `json:"total"`
	Limit int `json:"limit"`
	Skip  int `json:"skip"`
	Data  []T `json:"data"`
}

// apiError is a decoded error body.
type apiError struct {
	Name      string `json:"name"`
	Message   string `json:"message"`
	Code      int    `json:"code"`
	ClassName string `json:"className"`
}

// testSim is a running simulator with its URLs.
type testSim struct {
	*Simulator
	api  string
	base string
}

func newTestSim(t testing.TB, opts Options) *testSim {
	t.Helper()
	s, api := Start(t, opts)
	return &testSim{Simulator: s, api: api, base: strings.TrimSuffix(api, "/api")}
}

// get sends an authenticated GET to path under /api and returns status and body.
func (ts *testSim) get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	return ts.getWith(t, ts.Token(), path)
}

func (ts *testSim) getWith(t testing.TB, token, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.api+"/"+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// mustList fetches a list page and decodes it, requiring a 200.
func mustList[T any](t testing.TB, ts *testSim, path string) envelope[T] {
	t.Helper()
	return mustListWith[T](t, ts, ts.Token(), path)
}

func mustListWith[T any](t testing.TB, ts *testSim, token, path string) envelope[T] {
	t.Helper()
	status, body := ts.getWith(t, token, path)
	require.Equal(t, http.StatusOK, status, string(body))
	var env envelope[T]
	require.NoError(t, json.Unmarshal(body, &env))
	return env
}

// mustError requires an error answer with status and name.
func mustError(t testing.TB, status int, name string, gotStatus int, body []byte) {
	t.Helper()
	require.Equal(t, status, gotStatus, string(body))
	var e apiError
	require.NoError(t, json.Unmarshal(body, &e))
	require.Equal(t, name, e.Name)
	require.Equal(t, status, e.Code)
	require.NotEmpty(t, e.Message)
}

// control sends a control API request with a JSON body (nil for none).
func (ts *testSim) control(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.base+path, r)
	require.NoError(t, err)
	return do(t, req)
}

func urlEscape(s string) string { return url.QueryEscape(s) }
