package store

import "log/slog"

// Option configures Open.
type Option func(*options)

type options struct {
	logger       *slog.Logger
	maxOpenConns int
}

// WithLogger sets the logger for database events such as migrations.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithMaxOpenConns caps the connection pool. Zero keeps the default: no cap
// for files and Postgres, one connection for in-memory SQLite.
func WithMaxOpenConns(n int) Option {
	return func(o *options) { o.maxOpenConns = n }
}
