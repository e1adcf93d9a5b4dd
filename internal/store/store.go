// Package store opens peoplegraph's database, embedded SQLite or Postgres,
// and keeps its schema migrated.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/peoplegraph/peoplegraph/ent"
)

// DefaultURL is the embedded default database, for a service whose
// DATABASE_URL is unset: a SQLite file in the working directory.
const DefaultURL = "file:peoplegraph.db"

// DB is an open database: the ent client over it, the underlying pool and
// which dialect it speaks (dialect.SQLite or dialect.Postgres).
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string

	logger *slog.Logger
	target target
}

// Open opens the database a DATABASE_URL names: "file:...", "sqlite:..." or a
// bare path open SQLite (modernc) with foreign keys, WAL, a busy timeout and
// immediate write transactions; "postgres://" and "postgresql://" open
// Postgres through lib/pq. The connection is checked before Open returns.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	t, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	pool, err := openPool(t)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", t.dialect, err)
	}
	if t.memory {
		// A shared-cache memory database locks whole tables and reports
		// conflicts without waiting; one connection serialises access.
		pool.SetMaxOpenConns(1)
		// The database lives only while a connection is open.
		pool.SetConnMaxIdleTime(0)
		pool.SetConnMaxLifetime(0)
	}
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", t.dialect, err)
	}
	drv := entsql.OpenDB(t.dialect, pool)
	return &DB{
		Client:  ent.NewClient(ent.Driver(drv)),
		SQL:     pool,
		Dialect: t.dialect,
		logger:  o.logger,
		target:  t,
	}, nil
}

// openPool opens the connection pool of t. Its connections keep the
// statements marked by ReuseStatements prepared.
func openPool(t target) (*sql.DB, error) {
	var (
		base driver.Connector
		err  error
	)
	if t.driver == "sqlite" {
		base, err = sqlite.NewConnector(t.dsn)
	} else {
		base, err = pq.NewConnector(t.dsn)
	}
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(reusingConnector{base: base}), nil
}

// Close closes the client and its connection pool.
func (db *DB) Close() error {
	if err := db.Client.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Rollback rolls tx back after err and returns err, joined with the
// rollback's own failure if it had one.
func Rollback(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil {
		return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
	}
	return err
}
