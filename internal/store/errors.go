package store

import "errors"

var (
	// ErrUnsupportedURL reports a DATABASE_URL whose scheme is neither SQLite
	// nor Postgres.
	ErrUnsupportedURL = errors.New("store: unsupported database url")
	// ErrInvalidURL reports a DATABASE_URL that cannot be parsed.
	ErrInvalidURL = errors.New("store: invalid database url")
	// ErrNotMigrated reports a database whose tables do not match the schema.
	ErrNotMigrated = errors.New("store: database is not migrated")
)
