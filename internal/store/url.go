package store

import (
	"fmt"
	"net/url"
	"strings"

	"entgo.io/ent/dialect"
)

// sqlitePragmas are the connection settings every SQLite connection gets:
// foreign keys (ent's migration refuses to run without them), WAL for
// concurrent readers, a busy timeout, and immediate write transactions so
// that concurrent read-then-write transactions queue instead of failing.
// synchronous stays at SQLite's default, FULL, which syncs the WAL at every
// commit: change events must survive a power loss or an OS crash, not only a
// process crash, as NORMAL would allow. Measured on a first sync of 10,000
// people, NORMAL saved nothing: the commit's time goes to the checkpoint
// after it, which syncs in either mode.
var sqlitePragmas = []string{
	"_pragma=foreign_keys(1)",
	"_pragma=busy_timeout(5000)",
	"_txlock=immediate",
}

// target is a parsed DATABASE_URL: the driver to use and its DSN.
type target struct {
	dialect string
	driver  string
	dsn     string
	memory  bool
}

// parseURL maps a DATABASE_URL to a driver and DSN. Errors never contain the
// URL's password.
func parseURL(raw string) (target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return target{}, fmt.Errorf("%w: empty", ErrInvalidURL)
	}
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return parsePostgres(raw)
	case strings.HasPrefix(lower, "sqlite://"):
		return sqliteTarget(raw[len("sqlite://"):])
	case strings.HasPrefix(lower, "sqlite:"):
		return sqliteTarget(raw[len("sqlite:"):])
	case strings.HasPrefix(lower, "file:"):
		return sqliteTarget(raw[len("file:"):])
	case strings.Contains(raw, "://"):
		scheme := raw[:strings.Index(raw, "://")]
		return target{}, fmt.Errorf("%w: scheme %q (want file:, sqlite: or postgres://)",
			ErrUnsupportedURL, scheme)
	default:
		return sqliteTarget(raw)
	}
}

func parsePostgres(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the input, password included; report only the kind.
		return target{}, fmt.Errorf("%w: postgres url does not parse", ErrInvalidURL)
	}
	if u.Host == "" {
		return target{}, fmt.Errorf("%w: postgres url %s has no host", ErrInvalidURL, u.Redacted())
	}
	return target{dialect: dialect.Postgres, driver: "postgres", dsn: raw}, nil
}

// sqliteTarget builds a modernc DSN for the path (with optional query) that
// followed the scheme.
func sqliteTarget(rest string) (target, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return target{}, fmt.Errorf("%w: sqlite url has no file path", ErrInvalidURL)
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return target{}, fmt.Errorf("%w: sqlite url query: %v", ErrInvalidURL, err)
	}
	memory := path == ":memory:" || values.Get("mode") == "memory"
	params := []string{}
	if query != "" {
		params = append(params, query)
	}
	for _, p := range sqlitePragmas {
		name, _, _ := strings.Cut(p, "=")
		if !hasParam(query, name, p) {
			params = append(params, p)
		}
	}
	if !memory && !strings.Contains(query, "journal_mode") {
		params = append(params, "_pragma=journal_mode(WAL)")
	}
	return target{
		dialect: dialect.SQLite,
		driver:  "sqlite",
		dsn:     "file:" + path + "?" + strings.Join(params, "&"),
		memory:  memory,
	}, nil
}

// hasParam reports whether query already sets the setting of p: for
// _pragma entries the pragma name, otherwise the parameter name.
func hasParam(query, name, p string) bool {
	if name != "_pragma" {
		return strings.Contains(query, name+"=")
	}
	pragma, _, _ := strings.Cut(strings.TrimPrefix(p, "_pragma="), "(")
	return strings.Contains(query, pragma)
}
