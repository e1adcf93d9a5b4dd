package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// requestTimeout bounds every single HTTP request the test makes.
const requestTimeout = 15 * time.Second

// graphQLError is one entry of a response's "errors" list.
type graphQLError struct {
	Message string         `json:"message"`
	Path    []any          `json:"path"`
	Ext     map[string]any `json:"extensions"`
}

// graphQLErrors is a non-empty "errors" list, returned as one error.
type graphQLErrors []graphQLError

func (e graphQLErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = fmt.Sprintf("%s (path %v)", err.Message, err.Path)
	}
	return "graphql: " + strings.Join(msgs, "; ")
}

// statusError is a non-200 answer from a GraphQL endpoint.
type statusError struct {
	Status int
	Body   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("http status %d: %s", e.Status, e.Body)
}

// query POSTs a GraphQL operation to endpoint and decodes "data" into out. A response with
// errors fails with graphQLErrors, even when it also has data.
func query(ctx context.Context, endpoint, doc string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return fmt.Errorf("encoding request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("posting to %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading response: %w", err)
	}
	var envelope struct {
		Data   json.RawMessage `json:"data"`
		Errors graphQLErrors   `json:"errors"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil {
		if resp.StatusCode != http.StatusOK {
			return &statusError{Status: resp.StatusCode, Body: string(raw)}
		}
		return fmt.Errorf("decoding response %q: %w", raw, err)
	}
	if len(envelope.Errors) > 0 {
		return envelope.Errors
	}
	if resp.StatusCode != http.StatusOK {
		return &statusError{Status: resp.StatusCode, Body: string(raw)}
	}
	if err := json.Unmarshal(envelope.Data, out); err != nil {
		return fmt.Errorf("decoding data %s: %w", envelope.Data, err)
	}
	return nil
}

// getStatus GETs url and returns the status code.
func getStatus(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("building request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("getting %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// freeLoopbackAddr returns a loopback address with a port that was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("releasing port: %v", err)
	}
	return addr
}
