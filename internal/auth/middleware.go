package auth

import (
	"context"
	"net/http"
)

// Middleware authenticates each request's Authorization header and puts
// the principal in the request context. A request without the header goes
// on as Anonymous (the graph then decides per field); one with an invalid
// token is answered 401 with a GraphQL error body.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Header.Get("Authorization"))
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("WWW-Authenticate", `Bearer realm="peoplegraph"`)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"message":"invalid bearer token",` +
				`"extensions":{"code":"UNAUTHENTICATED"}}]}`))
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// InitPayload authenticates a websocket connection_init: it reads the
// Authorization value (or authorization) and returns ctx carrying the
// principal. An absent value leaves the connection anonymous.
func (a *Authenticator) InitPayload(ctx context.Context, authorization string) (
	context.Context, error,
) {
	p, err := a.Authenticate(authorization)
	if err != nil {
		return ctx, err
	}
	return WithPrincipal(ctx, p), nil
}
