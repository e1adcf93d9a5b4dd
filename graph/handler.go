package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	coderws "github.com/coder/websocket"
	"github.com/jonboulle/clockwork"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
)

// wsCloseForbidden closes a websocket whose connection_init failed to
// authenticate.
const wsCloseForbidden = 4403

// Options configures NewHandler. Only Client is required.
type Options struct {
	// Client reads the directory.
	Client *ent.Client
	// Operator runs sync operations; without one, they fail with
	// BAD_USER_INPUT and humaansSync reports only the stored runs.
	Operator Operator
	// Auth authenticates callers; nil turns authentication off.
	Auth *auth.Authenticator
	// Logger receives internal errors and panics, once each.
	Logger *slog.Logger
	// Limits caps depth, complexity and page sizes; zero fields take the
	// defaults.
	Limits Limits
	// OriginPatterns are the browser origins allowed to open websockets
	// (coder/websocket patterns, such as "app.example.com"). Requests without
	// an Origin header, such as a router's, are always allowed.
	OriginPatterns []string
	// PingInterval is the websocket keep-alive interval of both protocols;
	// 10 s when zero.
	PingInterval time.Duration
	// MaxBodyBytes caps the size of a request body; 1 MiB when zero.
	MaxBodyBytes int64
	// CacheTTL, when positive, keeps lookups (people by id and email,
	// direct reports, locations, legal entities, custom values and the
	// catalogue) and the responses of queries that read only the directory
	// for this long across requests. Reads may then lag the
	// database by up to CacheTTL; changes made through this server's
	// mutations flush the cache at once. Zero reads the database every time.
	CacheTTL time.Duration
	// Clock drives the cache's expiry; the real clock when nil.
	Clock clockwork.Clock
	// OnFlush, when set, is handed the function that empties the read cache,
	// for the owner to call whenever it learns that the directory changed
	// (for example on every event the broker delivers), so that cached reads
	// lag a sync on any replica by moments rather than by CacheTTL.
	OnFlush func(flush func())
	// Broker streams the event log to subscriptions; without one they fail
	// with BAD_USER_INPUT. It must be started.
	Broker *pubsub.Broker
	// Lifecycle answers upcomingLifecycleEvents; without one it fails with
	// BAD_USER_INPUT.
	Lifecycle Lifecycle
	// Observer, when set, is told what the caches did, for metrics.
	Observer Observer
}

// Observer is told what the graph's caches did, for metrics. Its methods
// are called on the request path: they must be safe for concurrent use and
// return at once.
type Observer interface {
	// CachedQuery reports a directory query answered from the response
	// cache (hit) or executed and offered to it.
	CachedQuery(hit bool)
	// StreamedEvent reports an event sent to a subscriber with the response
	// another subscriber resolved (shared) or one resolved for it.
	StreamedEvent(shared bool)
}

// noObserver is the Observer of a handler built without one.
type noObserver struct{}

func (noObserver) CachedQuery(bool)   {}
func (noObserver) StreamedEvent(bool) {}

// defaultMaxBodyBytes is the default cap on request bodies.
const defaultMaxBodyBytes = 1 << 20

// NewHandler returns the GraphQL endpoint: POST, GET, SSE and websockets
// (graphql-transport-ws and the legacy graphql-ws) on one path, with a
// query cache, automatic persisted queries, depth and complexity limits,
// authentication and per-operation data loaders. Mount it at /graphql;
// GraphiQL is GraphiQLHandler.
func NewHandler(opts Options) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limits := opts.Limits.withDefaults()
	observer := opts.Observer
	if observer == nil {
		observer = noObserver{}
	}
	r := &Resolver{client: opts.Client, operator: opts.Operator, limits: limits, log: log,
		cache: newReadCache(opts.CacheTTL, opts.Clock), broker: opts.Broker,
		lifecycle: opts.Lifecycle, eventRows: newEventPeople(opts.Client, opts.Clock),
		shared: newSharedResponses(opts.Clock, observer), observer: observer}
	if opts.OnFlush != nil && r.cache != nil {
		opts.OnFlush(r.cache.flush)
	}
	cfg := Config{Resolvers: r}
	setComplexity(&cfg.Complexity, limits)
	srv := handler.New(NewExecutableSchema(cfg))

	maxBody := opts.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = defaultMaxBodyBytes
	}
	ping := opts.PingInterval
	if ping <= 0 {
		ping = 10 * time.Second
	}
	authn := opts.Auth
	if authn == nil {
		authn = auth.NewNone()
	}
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: ping})
	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: opts.OriginPatterns},
		},
		KeepAlivePingInterval: ping,
		PingPongInterval:      ping,
		PayloadReadLimit:      &maxBody,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context,
			*transport.InitPayload, error,
		) {
			authed, err := authn.InitPayload(ctx, p.Authorization())
			if err != nil {
				// 4403 is graphql-transport-ws' close code for a refused init.
				ctx = transport.AppendCloseReason(ctx, "invalid bearer token")
				return transport.WithWebsocketCloseCode(ctx, wsCloseForbidden), nil, err
			}
			return authed, nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](DefaultQueryCacheSize))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](DefaultAPQCacheSize)})
	srv.Use(depthLimit{max: limits.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(limits.MaxComplexity))
	present := errorPresenter(log)
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverFunc(log))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler,
	) graphql.ResponseHandler {
		ctx = r.withLoaders(ctx)
		if isSubscription(ctx) {
			return withStream(ctx, next, present, r.shared)
		}
		return r.cache.cacheResponses(ctx, next, r.observer)
	})
	// Each event of a subscription resolves with loaders of its own, so that
	// its fields batch without serving what an earlier event read.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler,
	) *graphql.Response {
		if isSubscription(ctx) {
			ctx = r.withLoaders(ctx)
		}
		return next(ctx)
	})
	srv.AroundRootFields(checkScopes)
	return http.MaxBytesHandler(authn.Middleware(srv), maxBody)
}

func isSubscription(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	oc := graphql.GetOperationContext(ctx)
	return oc.Operation != nil && oc.Operation.Operation == ast.Subscription
}

// GraphiQLHandler serves GraphiQL for the endpoint at path endpoint.
func GraphiQLHandler(endpoint string) http.Handler {
	return playground.Handler("peoplegraph", endpoint)
}

// checkScopes enforces the scope each root field needs: _service and
// introspection are open (a router composes from _service), humaansSync,
// syncRuns and every mutation need operate, everything else directory:read.
func checkScopes(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil {
		return next(ctx)
	}
	mutation := false
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
		mutation = oc.Operation.Operation == ast.Mutation
	}
	scope, open := rootScope(mutation, fc.Field.Name)
	if open {
		return next(ctx)
	}
	if err := auth.Require(ctx, scope); err != nil {
		graphql.AddError(ctx, err)
		return graphql.Null
	}
	return next(ctx)
}

// rootScope returns the scope a root field needs, or true when it is open.
// (gqlgen's RootFieldContext.Object holds the field name, so the operation
// type says whether the field is a mutation.)
func rootScope(mutation bool, field string) (auth.Scope, bool) {
	switch {
	case mutation:
		return auth.ScopeOperate, false
	case field == "_service" || field == "__typename" || field == "__schema" ||
		field == "__type":
		return "", true
	case field == "humaansSync", field == "syncRuns":
		return auth.ScopeOperate, false
	}
	return auth.ScopeDirectoryRead, false
}
