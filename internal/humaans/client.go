// Package humaans is a read-only client for the Humaans HRIS REST API: the
// people directory, job roles, locations, companies and custom fields that
// peoplegraph mirrors.
//
// The client pages every listing to its total, retries throttled and failed
// requests with capped, jittered backoff, keeps to a client-side rate limit
// and a bound on requests in flight, and decodes leniently. Failures come
// back as *APIError values wrapping the sentinels in errors.go. The API key
// is sent only in the Authorization header: it is never logged and never
// part of an error.
package humaans

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/time/rate"
)

// maxBodyBytes bounds a response body; a 250-row page of people is well
// under a megabyte.
const maxBodyBytes = 64 << 20

// Client reads from the Humaans API. It is safe for concurrent use; the rate
// limit and the concurrency bound are shared by every call on it.
type Client struct {
	base    string
	key     string
	cfg     config
	limiter *rate.Limiter
	slots   chan struct{}

	progressMu sync.Mutex
}

// New returns a client for the API at baseURL (DefaultBaseURL when empty)
// authenticating with apiKey. It returns an error for a malformed URL, an
// empty key or an invalid option; the error never contains the key.
func New(baseURL, apiKey string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if err := checkKey(apiKey); err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, fmt.Errorf("humaans: %w", err)
		}
	}
	limit := rate.Limit(cfg.rps)
	if isInf(cfg.rps) {
		limit = rate.Inf
	}
	return &Client{
		base:    base,
		key:     apiKey,
		cfg:     cfg,
		limiter: rate.NewLimiter(limit, cfg.burst),
		slots:   make(chan struct{}, cfg.concurrency),
	}, nil
}

func parseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("humaans: base URL does not parse")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("humaans: base URL scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		return "", errors.New("humaans: base URL has no host")
	case u.User != nil:
		return "", errors.New("humaans: base URL must not carry credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", errors.New("humaans: base URL must not have a query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func checkKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("humaans: API key is empty")
	}
	for _, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("humaans: API key contains whitespace or control characters")
		}
	}
	return nil
}

// request names one logical GET: Op labels it in errors and logs, Route is
// the path under the base URL.
type request struct {
	op    string
	route string
	query url.Values
}

// response is what one attempt produced: a status and body, or a transport
// error (with timedOut set when the per-attempt timeout fired).
type response struct {
	status   int
	header   http.Header
	body     []byte
	err      error
	timedOut bool
}

// send makes one attempt at req, waiting first for the rate limiter and a
// free slot. It returns ctx's error only when ctx itself is done.
func (c *Client) send(ctx context.Context, req request) (response, error) {
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return response{}, ctx.Err()
		}
		// The limiter refuses waits that would outlast the deadline.
		return response{}, context.DeadlineExceeded
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return response{}, ctx.Err()
	}
	defer func() { <-c.slots }()

	actx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	res := c.roundTrip(actx, req)
	if ctx.Err() != nil {
		return response{}, ctx.Err()
	}
	if res.err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		res.timedOut = true
		res.err = fmt.Errorf("no complete response within %s", c.cfg.timeout)
	}
	return res, nil
}

func (c *Client) roundTrip(ctx context.Context, req request) response {
	target := c.base + req.route
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return response{err: errors.New("building the request failed")}
	}
	hreq.Header.Set("Authorization", "Bearer "+c.key)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "peoplegraph")

	resp, err := c.cfg.httpClient.Do(hreq)
	if err != nil {
		return response{err: transportCause(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	res := response{status: resp.StatusCode, header: resp.Header, body: body}
	switch {
	case err != nil:
		res.err = fmt.Errorf("reading the body: %w", transportCause(err))
	case len(body) > maxBodyBytes:
		res.err = fmt.Errorf("body exceeds %d bytes", maxBodyBytes)
	}
	return res
}

// transportCause strips the *url.Error wrapper, whose text repeats the
// whole URL, and keeps the cause.
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact removes the key from text that came from the server, in case an
// upstream ever echoes it back.
func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.key, "[redacted]")
}

func (c *Client) report(p Progress) {
	c.progressMu.Lock()
	defer c.progressMu.Unlock()
	c.cfg.progress(p)
}

// now returns the client's clock reading.
func (c *Client) now() time.Time { return c.cfg.now() }
