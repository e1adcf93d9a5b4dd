package hrsync_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// writeCounter counts the write statements (INSERT, UPDATE, DELETE) sent to
// the database, by table, as ent's debug driver reports every statement,
// raw SQL and transactions included.
type writeCounter struct {
	mu      sync.Mutex
	byTable map[string]int
}

// countingDB returns db seen through a writeCounter: the same pool, a
// client that reports every statement.
func countingDB(db *store.DB) (*store.DB, *writeCounter) {
	w := &writeCounter{byTable: map[string]int{}}
	drv := dialect.DebugWithContext(entsql.OpenDB(db.Dialect, db.SQL),
		func(_ context.Context, args ...any) { w.record(fmt.Sprint(args...)) })
	return &store.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db.SQL, Dialect: db.Dialect}, w
}

func (w *writeCounter) record(line string) {
	_, stmt, ok := strings.Cut(line, "query=")
	if !ok {
		return
	}
	words := strings.Fields(stmt)
	if len(words) < 3 {
		return
	}
	var table string
	switch strings.ToUpper(words[0]) {
	case "INSERT", "DELETE":
		table = words[2] // INSERT INTO t, DELETE FROM t
	case "UPDATE":
		table = words[1]
	default:
		return
	}
	table = strings.Trim(table, "`\"")
	w.mu.Lock()
	w.byTable[table]++
	w.mu.Unlock()
}

// except returns the counts without the named tables.
func (w *writeCounter) except(tables ...string) map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for k, v := range w.byTable {
		out[k] = v
	}
	for _, t := range tables {
		delete(out, t)
	}
	return out
}
