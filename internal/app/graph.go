package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/graph"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/schedule"
)

// graphHandlers builds the GraphQL endpoint and, when enabled, GraphiQL.
func (a *App) graphHandlers() (gql, graphiql http.Handler, err error) {
	authn, err := a.authenticator()
	if err != nil {
		return nil, nil, err
	}
	gql = graph.NewHandler(graph.Options{
		Client:   a.db.Client,
		Operator: a.sync,
		Auth:     authn,
		Logger:   a.logger.With("component", "graphql"),
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
	case AuthNone:
		return auth.NewNone(), nil
	case AuthStatic:
		tokens := make(map[string][]auth.Scope, len(a.cfg.AuthTokens))
		for token, scopes := range a.cfg.AuthTokens {
			for _, s := range scopes {
				tokens[token] = append(tokens[token], auth.Scope(s))
			}
		}
		return auth.NewStatic(tokens), nil
	case AuthJWT:
		authn, err := auth.NewJWT([]byte(a.cfg.JWTSecret))
		if err != nil {
			return nil, fmt.Errorf("configuring JWT authentication: %w", err)
		}
		return authn, nil
	}
	return nil, fmt.Errorf("unknown authentication mode %q", a.cfg.Auth)
}

// The syncer is the graph's operator: sync operations go through the
// scheduler, so that a run never overlaps another on any replica.
var _ graph.Operator = (*syncer)(nil)

// SyncNow starts a sync or joins the one under way and returns its run.
func (s *syncer) SyncNow(ctx context.Context) (*ent.SyncRun, bool, error) {
	id, joined, err := s.sched.SyncNow(ctx, schedule.TriggerManual)
	if err != nil {
		return nil, false, err
	}
	run, err := s.db.Client.SyncRun.Get(ctx, id)
	if err != nil {
		return nil, false, fmt.Errorf("reading sync run %d: %w", id, err)
	}
	return run, joined, nil
}

// Approve applies a held run.
func (s *syncer) Approve(ctx context.Context, runID int) (*ent.SyncRun, error) {
	return s.engine.Approve(ctx, runID)
}

// Discard discards a held run.
func (s *syncer) Discard(ctx context.Context, runID int) (*ent.SyncRun, error) {
	return s.engine.Discard(ctx, runID)
}

// SelectCustomFields makes exactly these custom fields sync.
func (s *syncer) SelectCustomFields(ctx context.Context, names []string) error {
	return s.engine.SelectCustomFields(ctx, names)
}

// CurrentRun returns the run under way on any replica, or nil.
func (s *syncer) CurrentRun(ctx context.Context) (*ent.SyncRun, error) {
	if id, ok := s.sched.Running(); ok {
		run, err := s.db.Client.SyncRun.Get(ctx, id)
		if err == nil || !ent.IsNotFound(err) {
			return run, err
		}
	}
	// Another replica's run is visible through its row.
	run, err := s.db.Client.SyncRun.Query().
		Where(syncrun.StatusEQ(syncrun.StatusRUNNING)).
		Order(ent.Desc(syncrun.FieldStartedAt)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return run, err
}

// NextSync returns when the next scheduled sync starts.
func (s *syncer) NextSync() (time.Time, bool) {
	return s.sched.NextRun()
}
