package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/auth"
)

func TestNone(t *testing.T) {
	p, err := auth.NewNone().Authenticate("")
	require.NoError(t, err)
	for _, s := range auth.AllScopes {
		require.NoError(t, p.Require(s))
	}
}

func TestStatic(t *testing.T) {
	a := auth.NewStatic(map[string][]auth.Scope{"tok": {auth.ScopeDirectoryRead}})

	t.Run("a known token holds its scopes only", func(t *testing.T) {
		p, err := a.Authenticate("Bearer tok")
		require.NoError(t, err)
		require.NoError(t, p.Require(auth.ScopeDirectoryRead))
		err = p.Require(auth.ScopeOperate)
		require.ErrorIs(t, err, auth.ErrForbidden)
		var se *auth.ScopeError
		require.ErrorAs(t, err, &se)
		require.Equal(t, auth.ScopeOperate, se.Scope)
	})

	t.Run("the scheme is case-insensitive", func(t *testing.T) {
		_, err := a.Authenticate("bearer tok")
		require.NoError(t, err)
	})

	t.Run("no header is anonymous and needs authentication", func(t *testing.T) {
		p, err := a.Authenticate("")
		require.NoError(t, err)
		require.ErrorIs(t, p.Require(auth.ScopeDirectoryRead), auth.ErrUnauthenticated)
	})

	t.Run("unknown tokens and other schemes are invalid", func(t *testing.T) {
		for _, h := range []string{"Bearer nope", "Basic dG9rOg==", "tok", "Bearer "} {
			_, err := a.Authenticate(h)
			require.ErrorIs(t, err, auth.ErrInvalidToken, h)
			require.ErrorIs(t, err, auth.ErrUnauthenticated, h)
		}
	})
}

func TestJWT(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	a, err := auth.NewJWT([]byte("k"), auth.WithClock(func() time.Time { return now }),
		auth.WithIssuer("router"), auth.WithAudience("peoplegraph"))
	require.NoError(t, err)
	sign := func(claims jwt.MapClaims, method jwt.SigningMethod, key any) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		require.NoError(t, err)
		return s
	}
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "router", "aud": "peoplegraph", "sub": "svc",
			"exp": now.Add(time.Minute).Unix()}
	}

	t.Run("scope and scopes claims both grant", func(t *testing.T) {
		c := base()
		c["scope"] = "directory:read private:read"
		c["scopes"] = []string{"operate"}
		p, err := a.Authenticate("Bearer " + sign(c, jwt.SigningMethodHS256, []byte("k")))
		require.NoError(t, err)
		require.Equal(t, "svc", p.Subject)
		for _, s := range auth.AllScopes {
			require.NoError(t, p.Require(s))
		}
	})

	t.Run("bad tokens are invalid", func(t *testing.T) {
		expired := base()
		expired["exp"] = now.Add(-time.Hour).Unix()
		noExp := base()
		delete(noExp, "exp")
		wrongAud := base()
		wrongAud["aud"] = "other"
		for name, tok := range map[string]string{
			"expired":     sign(expired, jwt.SigningMethodHS256, []byte("k")),
			"no expiry":   sign(noExp, jwt.SigningMethodHS256, []byte("k")),
			"wrong aud":   sign(wrongAud, jwt.SigningMethodHS256, []byte("k")),
			"wrong key":   sign(base(), jwt.SigningMethodHS256, []byte("other")),
			"wrong alg":   sign(base(), jwt.SigningMethodHS512, []byte("k")),
			"unsigned":    sign(base(), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType),
			"not a token": "abc",
		} {
			_, err := a.Authenticate("Bearer " + tok)
			require.ErrorIs(t, err, auth.ErrInvalidToken, name)
		}
	})

	t.Run("a secret is required", func(t *testing.T) {
		_, err := auth.NewJWT(nil)
		require.ErrorIs(t, err, auth.ErrNoSecret)
	})
}

func TestMiddleware(t *testing.T) {
	a := auth.NewStatic(map[string][]auth.Scope{"tok": {auth.ScopeOperate}})
	var seen *auth.Principal
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = auth.FromContext(r.Context())
	}))

	t.Run("a valid token reaches the handler", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		require.True(t, seen.Has(auth.ScopeOperate))
	})

	t.Run("an invalid token is answered 401", func(t *testing.T) {
		seen = nil
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set("Authorization", "Bearer bad")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		require.Contains(t, rec.Body.String(), `"UNAUTHENTICATED"`)
		require.Nil(t, seen)
	})

	t.Run("websocket init payloads authenticate the same way", func(t *testing.T) {
		ctx, err := a.InitPayload(context.Background(), "Bearer tok")
		require.NoError(t, err)
		require.True(t, auth.FromContext(ctx).Has(auth.ScopeOperate))
		_, err = a.InitPayload(context.Background(), "Bearer bad")
		require.True(t, errors.Is(err, auth.ErrUnauthenticated))
		require.Equal(t, auth.Anonymous, auth.FromContext(context.Background()))
	})
}
