package app

import (
	"fmt"
	"net/http"

	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/operator"
)

// graphHandlers builds the GraphQL endpoint and, when enabled, GraphiQL.
func (a *App) graphHandlers() (gql, graphiql http.Handler, err error) {
	authn, err := a.authenticator()
	if err != nil {
		return nil, nil, err
	}
	gql = graph.NewHandler(graph.Options{
		Client:    a.db.Client,
		Operator:  operator.New(a.sync.sched, a.sync.engine, a.db),
		Auth:      authn,
		Logger:    a.logger.With("component", "graphql"),
		Broker:    a.events.broker,
		Lifecycle: a.events.eval,
		CacheTTL:  a.cfg.GraphCacheTTL,
		OnFlush:   a.events.onChange,
		Observer:  a.metrics,
		Limits: graph.Limits{
			MaxDepth:      a.cfg.MaxDepth,
			MaxComplexity: a.cfg.MaxComplexity,
			MaxPageSize:   a.cfg.MaxPageSize,
		},
	})
	if a.cfg.GraphiQL {
		graphiql = graph.GraphiQLHandler("/graphql")
	}
	return gql, graphiql, nil
}

func (a *App) authenticator() (*auth.Authenticator, error) {
	switch a.cfg.Auth {
	case auth.ModeNone:
		return auth.NewNone(), nil
	case auth.ModeStatic:
		return auth.NewStatic(a.cfg.AuthTokens), nil
	case auth.ModeJWT:
		authn, err := auth.NewJWT([]byte(a.cfg.JWTSecret))
		if err != nil {
			return nil, fmt.Errorf("configuring JWT authentication: %w", err)
		}
		return authn, nil
	}
	return nil, fmt.Errorf("unknown authentication mode %q", a.cfg.Auth)
}
