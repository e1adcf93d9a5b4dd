package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestOpenRejectsBadURLs(t *testing.T) {
	cases := map[string]string{
		"empty":        "",
		"mysql scheme": "mysql://root:hunter2secret@localhost/db",
		"no host":      "postgres://user:hunter2secret@/db",
		"bad escape":   "postgres://user:hunter2secret%zz@host/db",
		"no path":      "sqlite:",
	}
	for name, url := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := store.Open(context.Background(), url)
			require.Error(t, err)
			require.NotContains(t, err.Error(), "hunter2secret")
		})
	}
}

func TestOpenReportsTheUnsupportedScheme(t *testing.T) {
	_, err := store.Open(context.Background(), "mysql://localhost/db")
	require.ErrorIs(t, err, store.ErrUnsupportedURL)
	require.Contains(t, err.Error(), `"mysql"`)
}

func TestOpenFileDatabase(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]string{
		"file scheme":   "file:" + filepath.Join(t.TempDir(), "a.db"),
		"sqlite scheme": "sqlite:" + filepath.Join(t.TempDir(), "b.db"),
		"bare path":     filepath.Join(t.TempDir(), "c.db"),
	} {
		t.Run(name, func(t *testing.T) {
			db, err := store.Open(ctx, url)
			require.NoError(t, err)
			defer db.Close()
			require.Equal(t, dialect.SQLite, db.Dialect)
			require.ErrorIs(t, db.Ready(ctx), store.ErrNotMigrated)
			require.NoError(t, db.Migrate(ctx))
			require.NoError(t, db.Ready(ctx))
			require.NoError(t, db.Migrate(ctx), "a second migration is a no-op")

			var mode string
			require.NoError(t, db.SQL.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
			require.Equal(t, "wal", mode)
			var fk int
			require.NoError(t, db.SQL.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
			require.Equal(t, 1, fk)
		})
	}
}

func TestDefaultURLIsSQLite(t *testing.T) {
	require.Equal(t, "file:peoplegraph.db", store.DefaultURL)
}

func TestSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		require.NoError(t, db.Ready(ctx))

		t.Run("calendar dates round-trip as text", func(t *testing.T) {
			start := civil.MustParse("2024-02-29")
			p := db.Client.Person.Create().SetID("p-dates").SetStatus(person.StatusACTIVE).
				SetWorkEmail("dates@example.com").SetStartDate(start).SaveX(ctx)
			got := db.Client.Person.GetX(ctx, p.ID)
			require.Equal(t, start, *got.StartDate)
			require.Nil(t, got.EndDate)
			n := db.Client.Person.Query().
				Where(person.StartDateGTE(civil.MustParse("2024-01-01"))).CountX(ctx)
			require.Equal(t, 1, n)
		})

		t.Run("work email is unique among current people only", func(t *testing.T) {
			create := func(id string) *ent.PersonCreate {
				return db.Client.Person.Create().SetID(id).SetStatus(person.StatusACTIVE).
					SetWorkEmail("same@example.com")
			}
			create("p-old").SetDepartedAt(time.Now()).SaveX(ctx)
			create("p-older").SetDepartedAt(time.Now()).SaveX(ctx)
			create("p-current").SaveX(ctx)
			_, err := create("p-clash").Save(ctx)
			require.True(t, ent.IsConstraintError(err), "got %v", err)
		})

		t.Run("emails must be stored normalised", func(t *testing.T) {
			_, err := db.Client.Person.Create().SetID("p-case").SetStatus(person.StatusACTIVE).
				SetWorkEmail("Mixed@Example.com").Save(ctx)
			require.True(t, ent.IsValidationError(err), "got %v", err)
		})

		t.Run("a manager must exist", func(t *testing.T) {
			_, err := db.Client.Person.Create().SetID("p-orphan").SetStatus(person.StatusACTIVE).
				SetManagerID("nobody").Save(ctx)
			require.True(t, ent.IsConstraintError(err), "got %v", err)
		})
	})
}

// TestReusedStatementsRunAcrossTransactions runs statements marked for reuse
// in several transactions on one connection, more distinct texts than a
// connection keeps, and checks that every row they wrote is there.
func TestReusedStatementsRunAcrossTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.SQL.ExecContext(ctx, "CREATE TABLE reuse_probe (id INTEGER PRIMARY KEY, v TEXT)")
		require.NoError(t, err)
		ph := func(n int) string {
			if db.Dialect == dialect.Postgres {
				return fmt.Sprintf("$%d", n)
			}
			return "?"
		}
		reuse := store.ReuseStatements(ctx)
		id := 0
		for round := range 3 {
			tx, err := db.SQL.BeginTx(ctx, nil)
			require.NoError(t, err)
			// Twelve texts, more than a connection keeps: the oldest are
			// closed and prepared again in the next round.
			for k := range 12 {
				query := fmt.Sprintf("INSERT INTO reuse_probe (id, v) VALUES (%s, %s || '-%d')",
					ph(1), ph(2), k)
				id++
				_, err := tx.ExecContext(reuse, query, id, fmt.Sprint(round))
				require.NoError(t, err)
			}
			require.NoError(t, tx.Commit())
		}
		var n int
		require.NoError(t, db.SQL.QueryRowContext(ctx,
			"SELECT count(*) FROM reuse_probe WHERE v = '2-11'").Scan(&n))
		require.Equal(t, 1, n)
		require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM reuse_probe").Scan(&n))
		require.Equal(t, 36, n)
	})
}

// TestPostgresKeepsMarkedStatementsPrepared checks on Postgres that a marked
// statement becomes one named prepared statement of its session, run again
// rather than prepared again, and that arguments still reach lib/pq's own
// conversions through the wrapper.
func TestPostgresKeepsMarkedStatementsPrepared(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("set " + storetest.PostgresEnv + " to run against Postgres")
	}
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	_, err := db.SQL.ExecContext(ctx, "CREATE TABLE reuse_probe (id integer PRIMARY KEY, tags text[])")
	require.NoError(t, err)
	conn, err := db.SQL.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()

	reuse := store.ReuseStatements(ctx)
	const insert = "INSERT INTO reuse_probe (id, tags) VALUES ($1, $2)"
	for id := range 3 {
		_, err := conn.ExecContext(reuse, insert, id, pq.Array([]string{"a", fmt.Sprint(id)}))
		require.NoError(t, err)
	}
	// An unmarked statement is not kept.
	_, err = conn.ExecContext(ctx, "INSERT INTO reuse_probe (tags, id) VALUES ($2, $1)", 9, nil)
	require.NoError(t, err)

	var kept []string
	rows, err := conn.QueryContext(ctx,
		"SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO reuse_probe%'")
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		kept = append(kept, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{insert}, kept, "three runs, one prepared statement")
	var tags []string
	require.NoError(t, conn.QueryRowContext(ctx,
		"SELECT tags FROM reuse_probe WHERE id = 2").Scan(pq.Array(&tags)))
	require.Equal(t, []string{"a", "2"}, tags)
}
