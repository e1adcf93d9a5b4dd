// Package auth authenticates callers of the graph by bearer token and holds
// what they may do.
//
// Three modes exist: none (authentication off: every caller holds every
// scope), static tokens (a map from token to scopes) and HS256 JWTs whose
// scopes are in a "scope" claim (space-separated) or a "scopes" array. The
// scopes are directory:read (everything that is not private), private:read
// (date of birth and other private fields) and operate (sync operations).
//
// HTTP requests carry "Authorization: Bearer <token>"; websocket clients send
// {"Authorization": "Bearer <token>"} in the connection_init payload.
package auth
