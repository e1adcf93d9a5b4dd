package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startDemoApp runs the whole service in demo mode on a loopback port with a
// database in a temporary directory, and stops it in Cleanup.
func startDemoApp(t *testing.T, env map[string]string) (string, *lockedWriter) {
	t.Helper()
	a, logs := startTestApp(t, env)
	return "http://" + a.Addr().String(), logs
}

// startTestApp is startDemoApp returning the app itself.
func startTestApp(t *testing.T, env map[string]string) (*App, *lockedWriter) {
	t.Helper()
	vars := map[string]string{
		"PEOPLEGRAPH_ADDR":        "127.0.0.1:0",
		"PEOPLEGRAPH_DEMO_PEOPLE": "60",
		"DATABASE_URL":            "file:" + filepath.Join(t.TempDir(), "pg.db"),
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := ParseConfig([]string{"-demo"}, envFrom(vars), io.Discard)
	require.NoError(t, err)
	logs := &lockedWriter{w: &bytes.Buffer{}}
	logger := NewLogger(logs, slog.LevelDebug, false)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, logger)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "logs:\n%s", logs.String())
		case <-time.After(30 * time.Second):
			t.Fatal("the app did not shut down within 30s")
		}
	})
	return a, logs
}

// post sends a GraphQL query and returns the decoded answer. It reports
// transport problems with t.Errorf, so it may run inside require.Eventually.
func post(t *testing.T, base, query string) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Errorf("posting %q: %v", query, err)
		return nil
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Errorf("decoding the answer to %q: %v", query, err)
	}
	return out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

func TestDemoServesTheSyncedCompany(t *testing.T) {
	base, logs := startDemoApp(t, nil)

	code, body := get(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code, body)
	code, body = get(t, base+"/readyz")
	require.Equal(t, http.StatusOK, code, body)

	// The start-up sync fills the directory.
	var last string
	require.Eventually(t, func() bool {
		out := post(t, base, `{ people(first: 1) { totalCount } }`)
		last = fmt.Sprint(out)
		data, _ := out["data"].(map[string]any)
		people, _ := data["people"].(map[string]any)
		n, _ := people["totalCount"].(float64)
		return n > 0
	}, 30*time.Second, 100*time.Millisecond, "last answer: %s", last)

	// The run is counted once the engine returns, just after its commit
	// made the people visible.
	const startupRun = `peoplegraph_sync_runs_total{outcome="SUCCEEDED",trigger="STARTUP"} 1`
	require.Eventually(t, func() bool {
		code, body = get(t, base+"/metrics")
		return code == http.StatusOK && strings.Contains(body, startupRun)
	}, 10*time.Second, 20*time.Millisecond, "the start-up run is counted")
	require.Contains(t, body, `peoplegraph_graph_streamed_events_total{resolution="shared"} 0`)

	// A directory query asked again comes from the response cache (once
	// the start-up's change events, each of which empties it, are through).
	hits := regexp.MustCompile(`peoplegraph_graph_cached_queries_total\{result="hit"\} (\d+)`)
	require.Eventually(t, func() bool {
		post(t, base, `{ people(first: 2) { totalCount } }`)
		_, body := get(t, base+"/metrics")
		m := hits.FindStringSubmatch(body)
		return len(m) == 2 && m[1] != "0"
	}, 30*time.Second, 50*time.Millisecond, "the response cache's hits are exported")

	code, body = get(t, base+"/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, strings.ToLower(body), "graphiql")

	// The webhook endpoint is off without a secret.
	code, _ = get(t, base+"/webhooks/humaans")
	require.Equal(t, http.StatusNotFound, code)

	require.Contains(t, logs.String(), "peoplegraph is serving")
}

func TestMainReportsEveryConfigurationProblem(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"-sync-interval", "soon"}, &stdout, &stderr,
		envFrom(map[string]string{"PEOPLEGRAPH_TIMEZONE": "Nowhere/Land"}), "test")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr.String(), "PEOPLEGRAPH_SYNC_INTERVAL")
	require.Contains(t, stderr.String(), "PEOPLEGRAPH_TIMEZONE")
	require.Contains(t, stderr.String(), "HUMAANS_API_KEY")
}

func TestMainHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"-help"}, &stdout, &stderr, envFrom(nil), "test")
	require.Equal(t, exitOK, code)
	require.Contains(t, stderr.String(), "PEOPLEGRAPH_ADDR")
}

// TestReadmeExamplesRunOnTheDemo keeps the README's example queries true:
// each one runs against the demo company without errors and finds data.
func TestReadmeExamplesRunOnTheDemo(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var queries []string
	for _, block := range strings.Split(string(readme), "```graphql\n")[1:] {
		queries = append(queries, block[:strings.Index(block, "```")])
	}
	require.Len(t, queries, 3, "the README shows three example queries")

	base, _ := startDemoApp(t, map[string]string{"PEOPLEGRAPH_DEMO_PEOPLE": "200"})
	require.Eventually(t, func() bool {
		out := post(t, base, `{ humaansSync { lastSuccessfulRun { id } } }`)
		data, _ := out["data"].(map[string]any)
		sync, _ := data["humaansSync"].(map[string]any)
		return sync != nil && sync["lastSuccessfulRun"] != nil
	}, 30*time.Second, 100*time.Millisecond)
	for _, q := range queries {
		out := post(t, base, q)
		require.Nil(t, out["errors"], "%s", q)
		require.NotContains(t, fmt.Sprint(out["data"]), "<nil>", "every example finds data: %s", q)
	}
}

// TestCachedReadsFollowSyncs shows that the graph's read cache, whose TTL is
// far longer than the test, is emptied as soon as a sync writes its events.
func TestCachedReadsFollowSyncs(t *testing.T) {
	a, _ := startTestApp(t, map[string]string{"PEOPLEGRAPH_GRAPH_CACHE_TTL": "1h"})
	base := "http://" + a.Addr().String()
	var id string
	require.Eventually(t, func() bool {
		out := post(t, base, `{ people(first: 1) { edges { node { id preferredName } } } }`)
		data, _ := out["data"].(map[string]any)
		people, _ := data["people"].(map[string]any)
		edges, _ := people["edges"].([]any)
		if len(edges) == 0 {
			return false
		}
		id = edges[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		return true
	}, 30*time.Second, 100*time.Millisecond)
	lookup := `{ person(id: "` + id + `") { preferredName } }`
	require.Nil(t, post(t, base, lookup)["errors"]) // now cached

	require.NoError(t, a.demo.sim.UpdatePerson(id, map[string]any{"preferredName": "Cache Test"}))
	out := post(t, base, `mutation { syncNow { id } }`)
	require.Nil(t, out["errors"])
	require.Eventually(t, func() bool {
		return strings.Contains(fmt.Sprint(post(t, base, lookup)), "Cache Test")
	}, 10*time.Second, 50*time.Millisecond, "the sync's change shows despite the 1h cache")
}
