package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

var staticTokens = map[string][]auth.Scope{
	"reader":   {auth.ScopeDirectoryRead},
	"private":  {auth.ScopeDirectoryRead, auth.ScopePrivateRead},
	"operator": {auth.ScopeDirectoryRead, auth.ScopeOperate},
}

// withBirthday returns a person whose date of birth is stored.
func withBirthday(t *testing.T, e *env) *ent.Person {
	t.Helper()
	p, err := e.db.Client.Person.Query().
		Where(person.DateOfBirthNotNil(), person.DepartedAtIsNil()).
		Order(ent.Asc(person.FieldID)).First(context.Background())
	require.NoError(t, err)
	return p
}

func TestStaticTokens(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 30, auth: auth.NewStatic(staticTokens)})
	p := withBirthday(t, e)
	const q = `query($id: ID!) { person(id: $id) { id dateOfBirth } }`
	vars := map[string]any{"id": p.ID}

	t.Run("no token is UNAUTHENTICATED, but _service answers", func(t *testing.T) {
		res := e.post(t, "", q, vars)
		require.Equal(t, []string{"UNAUTHENTICATED"}, res.codes())
		require.JSONEq(t, `{"person": null}`, string(res.Data))
		require.NotEmpty(t, serviceSDL(t, e))
	})

	t.Run("an unknown token is refused with 401", func(t *testing.T) {
		res := e.post(t, "forged", q, vars)
		require.Equal(t, http.StatusUnauthorized, res.Status)
		require.Equal(t, []string{"UNAUTHENTICATED"}, res.codes())
	})

	t.Run("private fields need private:read", func(t *testing.T) {
		res := e.post(t, "reader", q, vars)
		require.Equal(t, []string{"FORBIDDEN"}, res.codes())
		require.Equal(t, []any{"person", "dateOfBirth"}, res.Errors[0].Path)
		require.JSONEq(t, `{"person": {"id": "`+p.ID+`", "dateOfBirth": null}}`, string(res.Data))

		res = e.post(t, "private", q, vars)
		require.Empty(t, res.Errors)
		require.Contains(t, string(res.Data), p.DateOfBirth.String())
	})

	t.Run("operations need operate", func(t *testing.T) {
		for _, op := range []string{`mutation { syncNow { id } }`,
			`{ humaansSync { status } }`, `{ syncRuns { totalCount } }`} {
			res := e.post(t, "private", op, nil)
			require.Equal(t, []string{"FORBIDDEN"}, res.codes(), op)
		}
		res := e.post(t, "operator", `{ humaansSync { status } }`, nil)
		require.Empty(t, res.Errors)
	})
}

func signJWT(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	require.NoError(t, err)
	return s
}

func TestJWTTokens(t *testing.T) {
	a, err := auth.NewJWT([]byte("s3cret"))
	require.NoError(t, err)
	e := newEnv(t, storetest.Open(t), envOptions{people: 30, auth: a})
	p := withBirthday(t, e)
	const q = `query($id: ID!) { person(id: $id) { id dateOfBirth } }`
	vars := map[string]any{"id": p.ID}
	exp := time.Now().Add(time.Hour).Unix()

	t.Run("a space-separated scope claim grants its scopes", func(t *testing.T) {
		tok := signJWT(t, "s3cret", jwt.MapClaims{"sub": "svc", "exp": exp,
			"scope": "directory:read private:read"})
		res := e.post(t, tok, q, vars)
		require.Empty(t, res.Errors)
		require.Contains(t, string(res.Data), p.DateOfBirth.String())
	})

	t.Run("a scopes array grants its scopes", func(t *testing.T) {
		tok := signJWT(t, "s3cret", jwt.MapClaims{"sub": "svc", "exp": exp,
			"scopes": []string{"directory:read"}})
		res := e.post(t, tok, q, vars)
		require.Equal(t, []string{"FORBIDDEN"}, res.codes())
	})

	t.Run("expired, unsigned and wrongly signed tokens are refused", func(t *testing.T) {
		for _, tok := range []string{
			signJWT(t, "s3cret", jwt.MapClaims{"exp": time.Now().Add(-time.Hour).Unix(),
				"scope": "directory:read"}),
			signJWT(t, "other", jwt.MapClaims{"exp": exp, "scope": "directory:read"}),
			signJWT(t, "s3cret", jwt.MapClaims{"scope": "directory:read"}),
			"not.a.jwt",
		} {
			res := e.post(t, tok, q, vars)
			require.Equal(t, http.StatusUnauthorized, res.Status)
			require.Equal(t, []string{"UNAUTHENTICATED"}, res.codes())
		}
	})
}

func TestWebsocketConnectionInit(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 30, auth: auth.NewStatic(staticTokens)})
	p := withBirthday(t, e)
	query := func(c *wsClient) wsMessage {
		c.t.Helper()
		require.Equal(c.t, "connection_ack", c.read().Type)
		c.subscribe("1", `query($id: ID!) { person(id: $id) { id } }`,
			map[string]any{"id": p.ID})
		next := c.read()
		require.Equal(c.t, "next", next.Type)
		c.expectComplete()
		return next
	}

	t.Run("a token in connection_init authenticates the socket", func(t *testing.T) {
		next := query(openStream(t, e, protoTransportWS, "reader", nil))
		require.JSONEq(t, `{"data": {"person": {"id": "`+p.ID+`"}}}`, string(next.Payload))
	})

	t.Run("a socket without a token is anonymous", func(t *testing.T) {
		next := query(openStream(t, e, protoTransportWS, "", nil))
		var res gqlResponse
		require.NoError(t, json.Unmarshal(next.Payload, &res))
		require.Equal(t, []string{"UNAUTHENTICATED"}, res.codes())
	})

	t.Run("an invalid token closes the socket with 4403", func(t *testing.T) {
		c := openStream(t, e, protoTransportWS, "forged", nil)
		var err error
		for err == nil {
			_, err = c.tryRead()
		}
		require.Equal(t, websocket.StatusCode(4403), websocket.CloseStatus(err))
	})
}
