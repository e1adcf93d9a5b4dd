package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/migrate"
)

// migrationLockKey is the Postgres advisory lock that keeps replicas starting
// together from migrating at the same time.
const migrationLockKey = 0x70656f706c65 // "people"

// Migrate brings the schema up to date with ent's auto-migration. It only
// adds tables, columns and indexes. On SQLite it runs on a single dedicated
// connection, because ent toggles PRAGMA foreign_keys around table rebuilds
// and a pooled connection could be left with them off. On Postgres it holds
// an advisory lock so that replicas migrate one at a time.
func (db *DB) Migrate(ctx context.Context) error {
	start := time.Now()
	var err error
	switch db.Dialect {
	case dialect.Postgres:
		err = db.migratePostgres(ctx)
	default:
		err = db.migrateSQLite(ctx)
	}
	if err != nil {
		return err
	}
	db.logger.Info("database migrated", "dialect", db.Dialect, "duration", time.Since(start))
	return nil
}

func (db *DB) migrateSQLite(ctx context.Context) error {
	if db.target.memory {
		// The pool already has a single connection.
		return createSchema(ctx, db.Client)
	}
	pool, err := sql.Open(db.target.driver, db.target.dsn)
	if err != nil {
		return fmt.Errorf("store: open migration connection: %w", err)
	}
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, pool)))
	return createSchema(ctx, client)
}

func (db *DB) migratePostgres(ctx context.Context) error {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migration lock connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("store: take migration lock: %w", err)
	}
	defer func() {
		// Closing the connection would release the lock too; unlocking
		// explicitly returns a clean connection to the pool.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx),
			"SELECT pg_advisory_unlock($1)", migrationLockKey)
	}()
	return createSchema(ctx, db.Client)
}

func createSchema(ctx context.Context, client *ent.Client) error {
	if err := client.Schema.Create(ctx, schema.WithForeignKeys(true)); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Ready reports whether the database is reachable and migrated: every table
// of the schema answers a query naming all of its columns.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	for _, t := range migrate.Tables {
		cols := make([]string, 0, len(t.Columns))
		for _, c := range t.Columns {
			cols = append(cols, quoteIdent(c.Name))
		}
		q := "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(t.Name) + " WHERE 1 = 0"
		rows, err := db.SQL.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%w: table %s: %v", ErrNotMigrated, t.Name, err)
		}
		_ = rows.Close()
	}
	return nil
}

// quoteIdent quotes an identifier the way both SQLite and Postgres accept.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
