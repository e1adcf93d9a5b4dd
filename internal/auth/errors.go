package auth

import "errors"

var (
	// ErrUnauthenticated is returned when a caller presents no valid
	// credentials for something that needs them.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrInvalidToken is returned for a token that is malformed, unknown,
	// expired or wrongly signed. It wraps ErrUnauthenticated.
	ErrInvalidToken = &invalidTokenError{}
	// ErrForbidden is returned when the caller lacks a scope.
	ErrForbidden = errors.New("forbidden")
	// ErrNoSecret is returned by NewJWT without a signing secret.
	ErrNoSecret = errors.New("auth: a JWT secret is required")
)

type invalidTokenError struct{}

func (*invalidTokenError) Error() string { return "invalid bearer token" }

func (*invalidTokenError) Unwrap() error { return ErrUnauthenticated }

// ScopeError reports the scope a caller lacks. It wraps ErrForbidden.
type ScopeError struct {
	Scope Scope
}

// Error names the missing scope.
func (e *ScopeError) Error() string { return "forbidden: needs the " + string(e.Scope) + " scope" }

// Unwrap makes errors.Is(err, ErrForbidden) hold.
func (e *ScopeError) Unwrap() error { return ErrForbidden }
