package humaanssim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long Command waits for requests in flight when it stops.
const shutdownGrace = 5 * time.Second

// Command runs the humaans-sim command line: it parses args (-addr, -people, -seed,
// -fixture, -token and the behaviour switches), prints the API's base URL and the token on
// stdout, and serves until ctx is cancelled. It returns nil after a clean shutdown and an
// error for bad flags, an unusable fixture or a listen failure.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, addr, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := New(opts)
	if err != nil {
		return fmt.Errorf("humaans-sim: %w", err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("humaans-sim: listening on %s: %w", addr, err)
	}
	fmt.Fprintf(stdout, "humaans-sim listening on http://%s/api\n", ln.Addr())
	fmt.Fprintf(stdout, "token: %s\n", s.Token())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("humaans-sim: serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("humaans-sim: shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("humaans-sim: serving: %w", err)
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (Options, string, error) {
	var opts Options
	fs := flag.NewFlagSet("humaans-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	fs.IntVar(&opts.People, "people", 600, "size of the generated company")
	fs.Int64Var(&opts.Seed, "seed", 1, "generator seed")
	fs.StringVar(&opts.Fixture, "fixture", "", "JSON fixture in the Humaans wire format")
	fs.StringVar(&opts.Token, "token", "", "default token (derived from the seed when empty)")
	now := fs.String("now", "",
		"clock start, RFC 3339 (default "+DefaultNow.Format(time.RFC3339)+")")
	fs.BoolVar(&opts.DefaultStatusActiveOnly, "default-active-only", false,
		"GET /people without a status filter returns only active people")
	fs.BoolVar(&opts.FullProfiles, "full-profiles", false,
		"serve every person field, nulls included, with the address block and working week")
	fs.BoolVar(&opts.NoTokenInfo, "no-token-info", false, "GET /token-info answers 404")
	fs.BoolVar(&opts.RejectUnknownParams, "reject-unknown-params", false,
		"unknown filters and $-parameters are a 400")
	fs.BoolVar(&opts.RejectOverLimit, "reject-over-limit", false,
		"$limit above 250 is a 400 instead of a clamp")
	fs.BoolVar(&opts.PublicHidesOffboarded, "public-hides-offboarded", false,
		"tokens without private:read do not see offboarded people")
	fs.BoolVar(&opts.FlipsBumpUpdatedAt, "flips-bump-updated-at", false,
		"status flips caused by the clock bump updatedAt")
	if err := fs.Parse(args); err != nil {
		return opts, "", fmt.Errorf("humaans-sim: %w", err)
	}
	if fs.NArg() > 0 {
		return opts, "", fmt.Errorf("humaans-sim: unexpected arguments %v", fs.Args())
	}
	if *now != "" {
		t, err := time.Parse(time.RFC3339Nano, *now)
		if err != nil {
			return opts, "", fmt.Errorf("humaans-sim: -now: %w", err)
		}
		opts.Now = t
	}
	return opts, *addr, nil
}
