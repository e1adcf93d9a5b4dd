package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// demoSeed fixes the demo company, so every demo shows the same people.
const demoSeed = 42

// demo is the Humaans simulator that -demo runs in-process on loopback.
type demo struct {
	sim     *humaanssim.Simulator
	server  *http.Server
	baseURL string
	token   string
}

func startDemo(cfg Config, logger *slog.Logger) (*demo, error) {
	sim, err := humaanssim.New(humaanssim.Options{
		People: cfg.DemoPeople,
		Seed:   demoSeed,
		// The demo company lives in the present, so that pre-hires start in
		// the future and lifecycle dates fall near today.
		Now:    time.Now().UTC(),
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the demo simulator: %w", err)
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the demo simulator: %w", err)
	}
	d := &demo{
		sim:     sim,
		server:  &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second},
		baseURL: "http://" + ln.Addr().String() + "/api",
		token:   sim.Token(),
	}
	go func() {
		if err := d.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("demo simulator stopped", "error", err)
		}
	}()
	logger.Info("demo simulator started", "url", d.baseURL, "people", cfg.DemoPeople)
	return d, nil
}

// close stops the simulator at once. It runs after the scheduler has
// stopped, so no sync needs it any more; a graceful Shutdown would wait up to
// five seconds for connections the client opened but never used.
func (d *demo) close() error {
	return d.server.Close()
}
