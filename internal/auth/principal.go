package auth

import (
	"context"
	"slices"
)

// Scope is a permission a token carries.
type Scope string

// The scopes of the graph.
const (
	// ScopeDirectoryRead allows reading everything that is not private.
	ScopeDirectoryRead Scope = "directory:read"
	// ScopePrivateRead allows reading private fields such as date of birth.
	ScopePrivateRead Scope = "private:read"
	// ScopeOperate allows sync operations and reading their state.
	ScopeOperate Scope = "operate"
)

// AllScopes lists every scope, as held by callers when authentication is off.
var AllScopes = []Scope{ScopeDirectoryRead, ScopePrivateRead, ScopeOperate}

// Principal is an authenticated caller, or the anonymous one.
type Principal struct {
	// Subject names the caller: the JWT subject, or "token" for a static
	// token, or "" for anonymous callers.
	Subject string
	// Scopes are the scopes the caller holds.
	Scopes []Scope
	// Authenticated is false for a caller who presented no token.
	Authenticated bool
}

// Anonymous is the caller without a token.
var Anonymous = &Principal{}

// Has reports whether p holds scope s.
func (p *Principal) Has(s Scope) bool {
	return p != nil && slices.Contains(p.Scopes, s)
}

// Require returns nil when p holds s, ErrUnauthenticated for an anonymous
// caller and a *ScopeError otherwise.
func (p *Principal) Require(s Scope) error {
	switch {
	case p.Has(s):
		return nil
	case p == nil || !p.Authenticated:
		return ErrUnauthenticated
	}
	return &ScopeError{Scope: s}
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller of ctx, Anonymous when none was set.
func FromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous
}

// Require checks that the caller of ctx holds s; see Principal.Require.
func Require(ctx context.Context, s Scope) error {
	return FromContext(ctx).Require(s)
}
