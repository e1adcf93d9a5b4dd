package humaans

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// InvalidCredentialsMessage is what Verify reports when Humaans refuses the
// key: the wording operators see when connecting.
const InvalidCredentialsMessage = "The API key was revoked or the admin who created it " +
	"has been deactivated"

// The error kinds a caller can branch on with errors.Is. Every error the
// client returns for a failed request is an *APIError wrapping one of these
// (or, for a cancelled call, the context's error).
var (
	// ErrInvalidCredentials means Humaans refused the key: a 401 anywhere,
	// or a 403 on /me.
	ErrInvalidCredentials = errors.New("humaans: invalid credentials")
	// ErrMissingScope means the key is valid but lacks a scope the route
	// needs (a 403 outside /me).
	ErrMissingScope = errors.New("humaans: missing scope")
	// ErrRateLimited means Humaans still answered 429 when the attempts ran
	// out.
	ErrRateLimited = errors.New("humaans: rate limited")
	// ErrUnavailable means Humaans answered 5xx, timed out or could not be
	// reached on every attempt.
	ErrUnavailable = errors.New("humaans: unavailable")
	// ErrBadResponse means a response could not be decoded, had the wrong
	// envelope, or a listing kept changing while it was paged.
	ErrBadResponse = errors.New("humaans: bad response")
	// ErrNotFound means Humaans answered 404: an unknown id, or a route the
	// tenant does not serve.
	ErrNotFound = errors.New("humaans: not found")
)

// APIError describes a failed Humaans request. It unwraps to its kind (one
// of the Err sentinels, when one applies) and to its cause, so both
// errors.Is(err, ErrUnavailable) and errors.As(err, &apiErr) work. Its text
// names the operation and never contains the API key.
type APIError struct {
	// Op names the operation, e.g. "GET /people page 3".
	Op string
	// Route is the request path under the base URL, e.g. "/people".
	Route string
	// StatusCode is the HTTP status of the last attempt, or 0 when no
	// response arrived.
	StatusCode int
	// Name and Message come from the Humaans error body, when it had one.
	Name    string
	Message string
	// RetryAfter is the wait the server asked for on its last 429, if any.
	RetryAfter time.Duration
	// Attempts is how many requests were made.
	Attempts int
	// Kind is the sentinel the failure maps to, or nil.
	Kind error
	// Err is the underlying cause (a network or decoding error), or nil.
	Err error
}

// Error formats the failure as "humaans: <op>: <detail>".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("humaans: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.detail())
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *APIError) detail() string {
	var parts []string
	if e.StatusCode != 0 {
		parts = append(parts, fmt.Sprintf("status %d", e.StatusCode))
	}
	if e.Name != "" {
		parts = append(parts, e.Name)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	if len(parts) == 0 && e.Kind != nil {
		parts = append(parts, strings.TrimPrefix(e.Kind.Error(), "humaans: "))
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the kind and the cause, whichever are set.
func (e *APIError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Is reports whether target is the error's kind.
func (e *APIError) Is(target error) bool {
	return e.Kind != nil && target == e.Kind
}

// errorBody is the Feathers-style error document Humaans sends.
type errorBody struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}
