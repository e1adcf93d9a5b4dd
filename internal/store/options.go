package store

import "log/slog"

// Option configures Open.
type Option func(*options)

type options struct {
	logger *slog.Logger
}

// WithLogger sets the logger for database events such as migrations.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}
