package store

// ConnString returns the driver connection string the pool was opened with,
// for components that need a connection of their own outside the pool, such
// as a Postgres LISTEN connection. It may hold credentials: never log it or
// put it in an error.
func (db *DB) ConnString() string { return db.target.dsn }
