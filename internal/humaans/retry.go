package humaans

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfterSeconds keeps a hostile Retry-After from overflowing a
// Duration; the configured backoff max caps the actual wait far below it.
const maxRetryAfterSeconds = 7 * 24 * 3600

// get performs req, retrying what is worth retrying, and hands a 2xx body to
// decode. A decode error that looks like a cut-off body is retried; any
// other decode error is final and maps to ErrBadResponse.
func (c *Client) get(ctx context.Context, req request, decode func([]byte) error) error {
	for attempt := 1; ; attempt++ {
		res, err := c.send(ctx, req)
		if err != nil {
			return c.cancelled(req, attempt, err)
		}
		apiErr, retry := c.classify(req, res, decode)
		if apiErr == nil {
			c.logAttempt(req, attempt, res.status, 0, nil)
			return nil
		}
		apiErr.Attempts = attempt
		if !retry || attempt >= c.cfg.maxAttempts {
			c.logAttempt(req, attempt, res.status, 0, apiErr)
			return apiErr
		}
		wait := c.wait(attempt, apiErr.RetryAfter)
		c.logAttempt(req, attempt, res.status, wait, apiErr)
		if err := c.cfg.sleep(ctx, wait); err != nil {
			return c.cancelled(req, attempt, err)
		}
	}
}

func (c *Client) cancelled(req request, attempts int, err error) error {
	return &APIError{Op: req.op, Route: req.route, Attempts: attempts, Err: err}
}

func (c *Client) logAttempt(req request, attempt, status int, wait time.Duration, err error) {
	args := []any{"op", req.op, "route", req.route, "attempt", attempt, "status", status}
	if wait > 0 {
		args = append(args, "wait", wait)
	}
	if err != nil {
		args = append(args, "error", err.Error())
	}
	c.cfg.logger.Debug("humaans request", args...)
}

// classify turns one attempt into nil (success) or an error, and says
// whether another attempt may help.
func (c *Client) classify(req request, res response, decode func([]byte) error) (*APIError, bool) {
	e := &APIError{Op: req.op, Route: req.route, StatusCode: res.status}
	if res.err != nil {
		e.Err = res.err
		e.Kind = ErrUnavailable
		if res.status/100 == 2 && errors.Is(res.err, io.ErrUnexpectedEOF) {
			e.Kind = ErrBadResponse
		}
		return e, true
	}
	if res.status/100 == 2 {
		err := decode(res.body)
		if err == nil {
			return nil, false
		}
		e.Kind, e.Err = ErrBadResponse, err
		return e, looksTruncated(err)
	}

	var body errorBody
	if json.Unmarshal(res.body, &body) == nil {
		e.Name, e.Message = c.redact(body.Name), c.redact(body.Message)
	}
	switch {
	case res.status == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case res.status == http.StatusRequestTimeout || res.status >= 500:
		e.Kind = ErrUnavailable
	default:
		e.Kind = finalKind(req.route, res.status)
		return e, false
	}
	// Retry-After also comes with 503s from some proxies; honour it there too.
	e.RetryAfter, _ = parseRetryAfter(res.header.Get("Retry-After"), c.now())
	return e, true
}

// finalKind maps a status that is not worth retrying to its sentinel, or nil.
func finalKind(route string, status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrInvalidCredentials
	case status == http.StatusForbidden && route == "/me":
		return ErrInvalidCredentials
	case status == http.StatusForbidden:
		return ErrMissingScope
	case status == http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// looksTruncated reports whether a decode error means the JSON ended early
// or is malformed, as a connection cut mid-body leaves it.
func looksTruncated(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF)
}

// wait is how long to pause after the given failed attempt: the server's
// Retry-After when it sent one, otherwise jittered exponential backoff, and
// never more than the configured maximum.
func (c *Client) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.backoffMax)
	}
	return backoff(c.cfg.backoffBase, c.cfg.backoffMax, attempt, rand.Int64N)
}

// backoff returns a "full jitter" delay for the attempt (1-based): uniform in
// [0, min(maxWait, base*2^(attempt-1))]. randN returns a value in [0, n).
func backoff(base, maxWait time.Duration, attempt int, randN func(n int64) int64) time.Duration {
	ceiling := maxWait
	if shift := attempt - 1; shift < 62 {
		if grown := base << shift; grown > 0 && grown>>shift == base && grown < maxWait {
			ceiling = grown
		}
	}
	return time.Duration(randN(int64(ceiling) + 1))
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP-date.
// A date in the past means no wait. ok is false when the header is absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, maxRetryAfterSeconds)) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
