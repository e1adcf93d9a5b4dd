package graph_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestTransports(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 20})
	p := someManaged(t, e.db)
	query := `query($id: ID!) { person(id: $id) { id } }`
	want := `{"person": {"id": "` + p.ID + `"}}`
	vars, err := json.Marshal(map[string]any{"id": p.ID})
	require.NoError(t, err)

	t.Run("GET runs queries", func(t *testing.T) {
		res, err := e.srv.Client().Get(e.srv.URL + "?query=" + url.QueryEscape(query) +
			"&variables=" + url.QueryEscape(string(vars)))
		require.NoError(t, err)
		defer res.Body.Close()
		var out gqlResponse
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		require.Empty(t, out.Errors)
		require.JSONEq(t, want, string(out.Data))
	})

	t.Run("automatic persisted queries register and replay", func(t *testing.T) {
		sum := sha256.Sum256([]byte(query))
		ext := map[string]any{"persistedQuery": map[string]any{
			"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		send := func(withQuery bool) *gqlResponse {
			body := map[string]any{"variables": json.RawMessage(vars), "extensions": ext}
			if withQuery {
				body["query"] = query
			}
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			res, err := e.srv.Client().Post(e.srv.URL, "application/json",
				strings.NewReader(string(raw)))
			require.NoError(t, err)
			defer res.Body.Close()
			var out gqlResponse
			require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
			return &out
		}
		miss := send(false)
		require.Equal(t, []string{"BAD_USER_INPUT"}, miss.codes())
		require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", miss.Errors[0].Extensions["reason"])
		require.Empty(t, send(true).Errors)
		hit := send(false)
		require.Empty(t, hit.Errors)
		require.JSONEq(t, want, string(hit.Data))
	})

	t.Run("an oversized body is refused", func(t *testing.T) {
		big := `{"query": "{ __typename }", "variables": {"pad": "` +
			strings.Repeat("x", 2<<20) + `"}}`
		res, err := e.srv.Client().Post(e.srv.URL, "application/json", strings.NewReader(big))
		require.NoError(t, err)
		defer res.Body.Close()
		var out gqlResponse
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		require.NotEmpty(t, out.Errors)
		require.Equal(t, "BAD_USER_INPUT", out.codes()[0])
		require.NotContains(t, string(out.Data), "Query")
	})

	t.Run("SSE streams the result", func(t *testing.T) {
		raw, err := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(vars)})
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(string(raw)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		res, err := e.srv.Client().Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
		var data string
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && data == "" {
				data = d
			}
			if sc.Text() == "event: complete" {
				break
			}
		}
		_, _ = io.Copy(io.Discard, res.Body)
		var out gqlResponse
		require.NoError(t, json.Unmarshal([]byte(data), &out))
		require.JSONEq(t, want, string(out.Data))
	})
}
