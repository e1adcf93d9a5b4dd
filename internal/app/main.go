package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// Exit codes of Main.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Main runs the peoplegraph command line: the service by default, or the
// humaans-sim subcommand. It returns the process exit code. ctx is cancelled
// on SIGINT/SIGTERM, which starts a graceful shutdown.
func Main(
	ctx context.Context,
	args []string,
	stdout, stderr io.Writer,
	getenv func(string) string,
	version string,
) int {
	if len(args) > 0 && args[0] == "humaans-sim" {
		err := humaanssim.Command(ctx, args[1:], stdout, stderr)
		return exitCode(stderr, err)
	}
	cfg, err := ParseConfig(args, getenv, stderr)
	if errors.Is(err, ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "peoplegraph: invalid configuration:\n%s\n", indent(err.Error()))
		return exitUsage
	}
	logger := NewLogger(stderr, cfg.LogLevel, cfg.LogJSON).With("version", version)
	a, err := New(ctx, cfg, logger)
	if err != nil {
		logger.Error("start-up failed", "error", err)
		return exitFailed
	}
	if err := a.Run(ctx); err != nil {
		logger.Error("peoplegraph stopped with an error", "error", err)
		return exitFailed
	}
	return exitOK
}

func exitCode(stderr io.Writer, err error) int {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, ErrHelp):
		return exitOK
	default:
		fmt.Fprintf(stderr, "peoplegraph: %v\n", err)
		return exitFailed
	}
}

// indent indents every line of s by two spaces.
func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// NewLogger returns the service's slog logger, in text or JSON, with the
// service name as a base attribute.
func NewLogger(w io.Writer, level slog.Level, json bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if json {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(h).With("service", "peoplegraph")
}

// Getenv is os.Getenv, named so server.go reads as wiring.
func Getenv(key string) string { return os.Getenv(key) }
