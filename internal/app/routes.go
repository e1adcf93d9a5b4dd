package app

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/schedule"
)

// routes builds the service's HTTP surface.
func (a *App) routes() (http.Handler, error) {
	gql, graphiql, err := a.graphHandlers()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.metrics.instrument("/graphql", gql))
	if graphiql != nil {
		mux.Handle("GET /{$}", graphiql)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.handler())
	if a.cfg.WebhookSecret != "" {
		mux.Handle("/webhooks/humaans", a.metrics.instrument("/webhooks/humaans", &webhookHandler{
			secret: []byte(a.cfg.WebhookSecret),
			sync: func(ctx context.Context) (int, bool, error) {
				return a.sync.syncNow(ctx, schedule.TriggerWebhook)
			},
			logger: a.logger.With("component", "webhook"),
		}))
	}
	return mux, nil
}

// ready answers 200 when the database is reachable and migrated.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.db.Ready(ctx); err != nil {
		a.logger.Warn("not ready", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{
			"status": "unavailable", "reason": "database unreachable or not migrated",
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
