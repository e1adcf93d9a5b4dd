package store

import (
	"context"
	"database/sql/driver"
	"errors"
)

// reuseKey marks a context whose statements connections keep prepared.
type reuseKey struct{}

// ReuseStatements returns ctx marked so that each connection prepares a
// statement executed with it once and keeps the prepared form for later
// statements of the same text, in any transaction. Both databases otherwise
// parse (and Postgres plans) every statement anew, which for a multi-row
// INSERT of a few thousand bind parameters costs as much as running it.
// Mark only statements whose text repeats, such as bulk writes with
// placeholders for every value: a connection keeps the few it saw last.
// Statements still go through database/sql and every driver wrapped around
// it as usual. On Postgres a kept statement is a named prepared statement of
// the session, which a pooler in transaction mode must support.
func ReuseStatements(ctx context.Context) context.Context {
	return context.WithValue(ctx, reuseKey{}, true)
}

func reuses(ctx context.Context) bool {
	v, _ := ctx.Value(reuseKey{}).(bool)
	return v
}

// maxKept bounds the prepared statements one connection keeps.
const maxKept = 8

// reusingConnector hands out connections that keep the statements marked by
// ReuseStatements prepared.
type reusingConnector struct {
	base driver.Connector
}

func (c reusingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newReusingConn(conn)
}

func (c reusingConnector) Driver() driver.Driver { return c.base.Driver() }

// baseConn is what both drivers' connections implement and database/sql
// looks for; a wrapper that hid any of these would lose context handling,
// transaction options or connection validation. lib/pq's also check their
// own argument types, which CheckNamedValue passes on.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// reusingConn is one connection and its kept statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type reusingConn struct {
	baseConn
	kept map[string]*keptStmt
	tick uint64
}

type keptStmt struct {
	stmt     driver.Stmt
	lastUsed uint64
}

func newReusingConn(conn driver.Conn) (driver.Conn, error) {
	c, ok := conn.(baseConn)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("store: database connection lacks context methods")
	}
	return &reusingConn{baseConn: c, kept: map[string]*keptStmt{}}, nil
}

// CheckNamedValue lets the driver convert an argument its own way, as it
// would without the wrapper; a driver that has no such check gets
// database/sql's default conversion.
func (c *reusingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.baseConn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ExecContext runs a marked statement on its kept prepared form, preparing
// and keeping it first if needed, and any other statement as the driver
// does.
func (c *reusingConn) ExecContext(ctx context.Context, query string,
	args []driver.NamedValue) (driver.Result, error) {
	if !reuses(ctx) {
		return c.baseConn.ExecContext(ctx, query, args)
	}
	c.tick++
	k, ok := c.kept[query]
	if !ok {
		stmt, err := c.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if err := c.makeRoom(); err != nil {
			_ = stmt.Close()
			return nil, err
		}
		k = &keptStmt{stmt: stmt}
		c.kept[query] = k
	}
	k.lastUsed = c.tick
	return k.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// makeRoom closes the least recently used kept statement when the
// connection keeps as many as it may.
func (c *reusingConn) makeRoom() error {
	if len(c.kept) < maxKept {
		return nil
	}
	var (
		oldest string
		at     uint64
		found  bool
	)
	for q, k := range c.kept {
		if !found || k.lastUsed < at {
			oldest, at, found = q, k.lastUsed, true
		}
	}
	k := c.kept[oldest]
	delete(c.kept, oldest)
	return k.stmt.Close()
}

// Close closes the kept statements, then the connection.
func (c *reusingConn) Close() error {
	var errs []error
	for q, k := range c.kept {
		errs = append(errs, k.stmt.Close())
		delete(c.kept, q)
	}
	errs = append(errs, c.baseConn.Close())
	return errors.Join(errs...)
}
