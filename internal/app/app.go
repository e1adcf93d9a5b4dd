package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// App is one running peoplegraph: its database, Humaans client, sync engine,
// scheduler and HTTP server. Build it with New, then call Run.
type App struct {
	cfg     Config
	logger  *slog.Logger
	metrics *metrics

	demo   *demo
	db     *store.DB
	client *humaans.Client
	events *events
	sync   *syncer

	ln     net.Listener
	server *http.Server
}

// New builds the app: it starts the demo simulator when asked, opens and
// migrates the database, and binds the listen address, so that a port
// already in use fails here rather than later. Nothing is served until Run.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (a *App, err error) {
	a = &App{cfg: cfg, logger: logger, metrics: newMetrics()}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	baseURL, apiKey := cfg.HumaansBaseURL, cfg.HumaansAPIKey
	if cfg.Demo {
		if a.demo, err = startDemo(cfg, logger.With("component", "humaans-sim")); err != nil {
			return nil, err
		}
		baseURL, apiKey = a.demo.baseURL, a.demo.token
	}
	a.client, err = humaans.New(baseURL, apiKey,
		humaans.WithLogger(logger.With("component", "humaans")),
		humaans.WithProgress(progressLogger(logger)))
	if err != nil {
		return nil, fmt.Errorf("configuring the Humaans client: %w", err)
	}
	a.db, err = store.Open(ctx, cfg.DatabaseURL, store.WithLogger(logger.With("component", "store")))
	if err != nil {
		return nil, err
	}
	if err := a.db.Migrate(ctx); err != nil {
		return nil, err
	}
	if a.events, err = newEvents(cfg, a.db, logger); err != nil {
		return nil, err
	}
	if a.sync, err = newSyncer(cfg, a.db, a.client, a.events, a.metrics, logger); err != nil {
		return nil, err
	}
	handler, err := a.routes()
	if err != nil {
		return nil, err
	}
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	a.ln, err = (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	return a, nil
}

// Addr returns the address the app listens on, which tests that bind port 0
// need.
func (a *App) Addr() net.Addr { return a.ln.Addr() }

// Run serves until ctx is cancelled, then shuts down gracefully: the
// scheduler first (a running sync finishes or rolls back), then the event
// broker (subscriptions end), then HTTP (requests drain), then the database.
func (a *App) Run(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- a.server.Serve(a.ln) }()
	runCtx, stopRunning := context.WithCancel(ctx)
	defer stopRunning()
	if err := a.sync.start(ctx); err != nil {
		a.shutdown()
		return err
	}
	if err := a.events.start(runCtx, a.sync.sched.IsLeader()); err != nil {
		a.shutdown()
		return err
	}
	a.logReady()
	select {
	case err := <-served:
		a.shutdown()
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}
	a.logger.Info("shutting down")
	err := a.shutdown()
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

func (a *App) logReady() {
	base := "http://" + a.ln.Addr().String()
	attrs := []any{"graphql", base + "/graphql", "health", base + "/healthz"}
	if a.cfg.GraphiQL {
		attrs = append(attrs, "graphiql", base+"/")
	}
	if a.demo != nil {
		attrs = append(attrs, "humaans_sim", a.demo.baseURL)
	}
	a.logger.Info("peoplegraph is serving", attrs...)
}

// shutdown stops everything in order within the configured timeout.
func (a *App) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	if a.sync != nil {
		if err := a.sync.stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping the scheduler: %w", err))
		}
	}
	if a.events != nil {
		if err := a.events.stop(); err != nil {
			errs = append(errs, fmt.Errorf("closing the event broker: %w", err))
		}
	}
	if a.server != nil {
		if err := a.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("draining HTTP: %w", err))
			_ = a.server.Close()
		}
	}
	if err := a.close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// close releases what New acquired.
func (a *App) close() error {
	var errs []error
	if a.db != nil {
		errs = append(errs, a.db.Close())
		a.db = nil
	}
	if a.demo != nil {
		errs = append(errs, a.demo.close())
		a.demo = nil
	}
	return errors.Join(errs...)
}

func progressLogger(logger *slog.Logger) func(humaans.Progress) {
	return func(p humaans.Progress) {
		level := slog.LevelDebug
		if p.Fetched >= p.Total {
			level = slog.LevelInfo
		}
		logger.Log(context.Background(), level, "fetched from Humaans",
			"resource", p.Resource, "fetched", p.Fetched, "total", p.Total)
	}
}
