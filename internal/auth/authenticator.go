package auth

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Mode is how an Authenticator checks tokens.
type Mode string

// The authentication modes.
const (
	// ModeNone turns authentication off: every caller holds every scope.
	ModeNone Mode = "none"
	// ModeStatic accepts a fixed set of tokens, each with its scopes.
	ModeStatic Mode = "static"
	// ModeJWT accepts HS256 JWTs signed with a shared secret.
	ModeJWT Mode = "jwt"
)

// Authenticator turns bearer tokens into principals. Its methods are safe
// for concurrent use.
type Authenticator struct {
	mode   Mode
	tokens map[string][]Scope
	secret []byte
	opts   []jwt.ParserOption
	now    func() time.Time
}

// NewNone returns an Authenticator with authentication turned off.
func NewNone() *Authenticator { return &Authenticator{mode: ModeNone} }

// NewStatic returns an Authenticator accepting exactly these tokens.
func NewStatic(tokens map[string][]Scope) *Authenticator {
	cp := make(map[string][]Scope, len(tokens))
	for t, s := range tokens {
		cp[t] = append([]Scope(nil), s...)
	}
	return &Authenticator{mode: ModeStatic, tokens: cp}
}

// JWTOption configures NewJWT.
type JWTOption func(*Authenticator)

// WithIssuer requires the iss claim to equal iss.
func WithIssuer(iss string) JWTOption {
	return func(a *Authenticator) { a.opts = append(a.opts, jwt.WithIssuer(iss)) }
}

// WithAudience requires the aud claim to contain aud.
func WithAudience(aud string) JWTOption {
	return func(a *Authenticator) { a.opts = append(a.opts, jwt.WithAudience(aud)) }
}

// WithClock sets the time expiry is checked against; time.Now by default.
func WithClock(now func() time.Time) JWTOption {
	return func(a *Authenticator) { a.now = now }
}

// NewJWT returns an Authenticator accepting HS256 JWTs signed with secret.
// Tokens must carry exp; scopes come from "scope" (space-separated) or
// "scopes" (an array of strings).
func NewJWT(secret []byte, opts ...JWTOption) (*Authenticator, error) {
	if len(secret) == 0 {
		return nil, ErrNoSecret
	}
	a := &Authenticator{mode: ModeJWT, secret: append([]byte(nil), secret...), now: time.Now}
	for _, o := range opts {
		o(a)
	}
	a.opts = append(a.opts,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(a.now),
		jwt.WithLeeway(30*time.Second),
	)
	return a, nil
}

// Authenticate checks the value of an Authorization header. An empty value
// gives Anonymous (or, with authentication off, a caller with every
// scope); a value that is not a valid bearer token gives ErrInvalidToken.
func (a *Authenticator) Authenticate(header string) (*Principal, error) {
	if a == nil || a.mode == ModeNone {
		return &Principal{Subject: "anonymous", Scopes: AllScopes, Authenticated: true}, nil
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return Anonymous, nil
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, ErrInvalidToken
	}
	if a.mode == ModeStatic {
		return a.static(token)
	}
	return a.jwt(token)
}

func (a *Authenticator) static(token string) (*Principal, error) {
	for t, scopes := range a.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			return &Principal{Subject: "token", Scopes: scopes, Authenticated: true}, nil
		}
	}
	return nil, ErrInvalidToken
}

// claims are the JWT claims the graph reads.
type claims struct {
	jwt.RegisteredClaims
	Scope  string   `json:"scope,omitempty"`
	Scopes []string `json:"scopes,omitempty"`
}

func (a *Authenticator) jwt(token string) (*Principal, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		return a.secret, nil
	}, a.opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	var scopes []Scope
	for _, s := range strings.Fields(c.Scope) {
		scopes = append(scopes, Scope(s))
	}
	for _, s := range c.Scopes {
		scopes = append(scopes, Scope(s))
	}
	return &Principal{Subject: c.Subject, Scopes: scopes, Authenticated: true}, nil
}
