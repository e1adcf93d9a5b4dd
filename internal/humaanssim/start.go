package humaanssim

import (
	"net/http/httptest"
	"testing"
)

// Start runs a simulator built from opts on a loopback httptest server, closed in
// t.Cleanup, and returns it with the base URL of its API (ending in "/api"). The control
// API is at the same host under /_sim/. It fails the test when New fails.
func Start(t testing.TB, opts Options) (*Simulator, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("starting humaans simulator: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/api"
}
