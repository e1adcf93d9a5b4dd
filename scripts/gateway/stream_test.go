package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// errStreamEnded reports that a subscription stream ended before the awaited result.
var errStreamEnded = errors.New("the subscription stream ended")

// result is one execution result of a subscription, or the failure that ended the stream.
type result struct {
	data json.RawMessage
	err  error
}

// subscription is a running GraphQL subscription whose results arrive in order.
type subscription struct {
	results <-chan result
}

// next waits for the following result and decodes its data into out. A result with errors,
// the end of the stream and the end of ctx are errors.
func (s *subscription) next(ctx context.Context, out any) error {
	select {
	case r, ok := <-s.results:
		if !ok {
			return errStreamEnded
		}
		if r.err != nil {
			return r.err
		}
		if err := json.Unmarshal(r.data, out); err != nil {
			return fmt.Errorf("decoding data %s: %w", r.data, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a subscription result: %w", ctx.Err())
	}
}

// decodeResult splits an execution result into its data, or its errors as graphQLErrors.
func decodeResult(raw []byte) result {
	var envelope struct {
		Data   json.RawMessage `json:"data"`
		Errors graphQLErrors   `json:"errors"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil {
		return result{err: fmt.Errorf("decoding result %q: %w", raw, err)}
	}
	if len(envelope.Errors) > 0 {
		return result{err: envelope.Errors}
	}
	return result{data: envelope.Data}
}

// subscribeSSE POSTs a subscription to endpoint asking for text/event-stream and returns
// once the response headers arrived. The stream is closed in t.Cleanup.
func subscribeSSE(t *testing.T, endpoint, doc string, vars map[string]any) *subscription {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		t.Fatalf("encoding subscription: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("building subscription request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	client := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: requestTimeout}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("subscribing over SSE at %s: %v", endpoint, err)
	}
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		_ = resp.Body.Close()
		t.Fatalf("subscribing over SSE: status %d, content type %q: %s", resp.StatusCode, ct, raw)
	}
	results := make(chan result, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(results)
		defer resp.Body.Close()
		readSSE(ctx, resp.Body, results)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &subscription{results: results}
}

// readSSE parses a GraphQL over SSE stream ("event: next" frames carrying a result, then
// "event: complete") and sends every result to results, ending at complete or at the end
// of the body. A body that ends without complete sends a final error. It stops sending
// once ctx ends.
func readSSE(ctx context.Context, body io.Reader, results chan<- result) {
	scanner := bufio.NewScanner(body)
	scanner.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var event string
	var data strings.Builder
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case line == "":
			switch event {
			case "next":
				if !send(ctx, results, decodeResult([]byte(data.String()))) {
					return
				}
			case "complete":
				return
			}
			event = ""
			data.Reset()
		case strings.HasPrefix(line, ":"):
			// A keep-alive comment.
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
	err := scanner.Err()
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	send(ctx, results, result{err: fmt.Errorf("%w: reading SSE: %w", errStreamEnded, err)})
}

// send delivers r unless ctx ends first, and reports whether it did.
func send(ctx context.Context, results chan<- result, r result) bool {
	select {
	case results <- r:
		return true
	case <-ctx.Done():
		return false
	}
}

// subscribeWS runs subscribe.mjs, the graphql-ws client, against the websocket endpoint
// and returns once the server acknowledged the connection. The client stops in t.Cleanup.
func subscribeWS(t *testing.T, endpoint, doc string, vars map[string]any) *subscription {
	t.Helper()
	env := []string{"SUBSCRIBE_QUERY=" + doc, "SUBSCRIBE_VARIABLES=" + mustJSON(t, vars)}
	p := startProcess(t, "graphql-ws client", ".", env, "node", "subscribe.mjs", endpoint)
	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	if _, err := p.waitForLine(ctx, "connected"); err != nil {
		t.Fatal(err)
	}
	followCtx, stop := context.WithCancel(context.Background())
	results := make(chan result, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(results)
		followClient(followCtx, p, results)
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
	return &subscription{results: results}
}

// followClient turns subscribe.mjs's output lines into results until the client reports
// complete or an error, exits, or ctx ends. Lines of other output (warnings) are skipped.
func followClient(ctx context.Context, p *process, results chan<- result) {
	consumed := 0
	for {
		out, changed := p.out.snapshot()
		for {
			end := strings.IndexByte(out[consumed:], '\n')
			if end < 0 {
				break
			}
			line := out[consumed : consumed+end]
			consumed += end + 1
			switch {
			case strings.HasPrefix(line, "next "):
				if !send(ctx, results, decodeResult([]byte(line[len("next "):]))) {
					return
				}
			case strings.HasPrefix(line, "error "):
				err := fmt.Errorf("%w: graphql-ws: %s", errStreamEnded, line[len("error "):])
				send(ctx, results, result{err: err})
				return
			case line == "complete":
				return
			}
		}
		select {
		case <-changed:
		case <-p.exited:
			if rest, _ := p.out.snapshot(); strings.Contains(rest[consumed:], "\n") {
				continue
			}
			send(ctx, results, result{err: fmt.Errorf("%w: %w", errStreamEnded, p.exitError())})
			return
		case <-ctx.Done():
			return
		}
	}
}
