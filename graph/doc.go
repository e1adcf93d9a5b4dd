// Package graph serves the people directory as an Apollo Federation v2
// subgraph with gqlgen.
//
// The schema is hand-written in *.graphqls (graph/ent.graphql, which
// entgql writes, is not served). Person is an entity with two keys, id and
// workEmail; _entities resolves any number of representations with one
// query per key kind, in input order, with null for unknown people.
//
// # Lookups and errors
//
// Nullable lookups (person, personByEmail, approvers, _entities entries)
// return null without an error when nothing matches, as is usual in
// GraphQL. Lookups by id include people who left (departed is true), so
// that references held by other subgraphs keep resolving; lookups by email
// see current people only, with former addresses (aliases) resolving too.
// Mutations on an unknown sync run are NOT_FOUND. Every error carries
// extensions.code: NOT_FOUND, BAD_USER_INPUT (malformed requests, bad
// arguments, limits), UNAUTHENTICATED, FORBIDDEN or INTERNAL (logged once,
// masked for the client). gqlgen's own codes, such as
// PERSISTED_QUERY_NOT_FOUND, move to extensions.reason.
//
// # Access
//
// _service and introspection are open, so a router can compose without a
// token. Every other query field needs directory:read; humaansSync,
// syncRuns and every mutation need operate; dateOfBirth needs private:read
// and is otherwise null with a FORBIDDEN error at its path.
//
// # Cost
//
// Resolvers that produce people prime per-operation data loaders for the
// fields selected below them (manager, directReports, location,
// legalEntity, customFields, managementChain), so a page of people costs a
// fixed number of queries whatever its size. Lookups nobody primed go
// through dataloadgen loaders that batch within Limits.LoaderWait.
//
// # Starting it
//
// NewHandler(Options{Client: db.Client}) is enough for a read-only server
// with authentication off; add Operator (internal/operator) for the sync
// operations and Auth (internal/auth) for tokens. Mount it at /graphql and,
// when wanted, GraphiQLHandler("/graphql") at /.
package graph
