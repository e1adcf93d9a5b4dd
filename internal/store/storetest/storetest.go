// Package storetest gives tests a fresh, migrated database of their own:
// in-memory SQLite always, and Postgres when PEOPLEGRAPH_TEST_DATABASE_URL
// names a server the tests may create databases on.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/peoplegraph/peoplegraph/internal/store"
)

// PostgresEnv is the environment variable naming the Postgres server for
// tests, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresEnv = "PEOPLEGRAPH_TEST_DATABASE_URL"

// Open returns a fresh migrated in-memory SQLite database unique to the
// test, closed in Cleanup.
func Open(t testing.TB, opts ...store.Option) *store.DB {
	t.Helper()
	name := dbName(t)
	db, err := store.Open(context.Background(),
		"file:"+name+"?mode=memory&cache=shared", opts...)
	if err != nil {
		t.Fatalf("storetest: open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	migrate(t, db)
	return db
}

// OpenPostgres returns a fresh migrated Postgres database created for the
// test and dropped in Cleanup. It skips the test when PostgresEnv is unset.
func OpenPostgres(t testing.TB, opts ...store.Option) *store.DB {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Skip("set " + PostgresEnv + " to run against Postgres")
	}
	name := dbName(t)
	adminDB, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatalf("storetest: open postgres admin connection: %v", err)
	}
	t.Cleanup(func() { _ = adminDB.Close() })
	ctx := context.Background()
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, err := adminDB.ExecContext(context.Background(),
			"DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		if err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	db, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	migrate(t, db)
	return db
}

// Each runs fn against SQLite and, when PostgresEnv is set, Postgres, as
// the subtests "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

func migrate(t testing.TB, db *store.DB) {
	t.Helper()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
}

// dbName derives a database name from the test name plus a random suffix,
// using only characters that need no quoting.
func dbName(t testing.TB) string {
	var b strings.Builder
	b.WriteString("pgt_")
	for _, r := range strings.ToLower(t.Name()) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	return b.String() + "_" + hex.EncodeToString(suffix)
}

// withDatabase returns the Postgres URL u pointing at database name.
func withDatabase(u, name string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("parse %s: invalid url", PostgresEnv)
	}
	parsed.Path = "/" + name
	return parsed.String(), nil
}
