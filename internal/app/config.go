// Package app wires peoplegraph together: configuration, the database, the
// Humaans client, the directory sync, the scheduler and the HTTP endpoints.
// server.go only turns signals and exit codes into calls to Main.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// Defaults that the configuration table in the README documents.
const (
	DefaultAddr           = ":8080"
	DefaultDemoAddr       = "127.0.0.1:8080"
	DefaultHumaansBaseURL = "https://app.humaans.io/api"
	DefaultDatabaseURL    = store.DefaultURL
	DefaultSyncInterval   = 3 * time.Hour
)

// Config is everything peoplegraph is configured with. Every field comes
// from a flag whose default is read from an environment variable, so the
// same binary runs in a terminal, in CI and in a container.
type Config struct {
	Addr     string
	Demo     bool
	LogLevel slog.Level
	LogJSON  bool

	DatabaseURL string

	HumaansAPIKey  string
	HumaansBaseURL string

	SyncInterval      time.Duration
	SyncTimeout       time.Duration
	DepartureLimit    float64
	IncludeOffboarded bool
	CustomFields      []string

	Timezone               *time.Location
	TriggerHour            int
	LeapDayPolicy          lifecycle.LeapDayPolicy
	Lookback               time.Duration
	TriggerSchedules       []lifecycle.Schedule
	TriggerInterval        time.Duration
	IncludeHiddenBirthdays bool

	Auth       auth.Mode
	AuthTokens map[string][]auth.Scope
	JWTSecret  string

	GraphiQL      bool
	GraphCacheTTL time.Duration
	MaxDepth      int
	MaxComplexity int
	MaxPageSize   int

	WebhookSecret   string
	ShutdownTimeout time.Duration

	// DemoPeople is the size of the simulated company in demo mode.
	DemoPeople int
}

// setting describes one flag: its name, the environment variable its
// default comes from, the built-in default and what it means. The same table
// drives -help.
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"addr", "PEOPLEGRAPH_ADDR", DefaultAddr, "HTTP listen address (the demo binds " + DefaultDemoAddr + ")"},
	{"demo", "PEOPLEGRAPH_DEMO", "false", "run the Humaans simulator in-process with a generated company"},
	{"demo-people", "PEOPLEGRAPH_DEMO_PEOPLE", "200", "size of the demo company"},
	{"log-level", "PEOPLEGRAPH_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
	{"log-format", "PEOPLEGRAPH_LOG_FORMAT", "text", "log format: text or json"},
	{"database-url", "DATABASE_URL", DefaultDatabaseURL, "SQLite file (file:PATH) or postgres:// URL"},
	{"humaans-api-key", "HUMAANS_API_KEY", "", "Humaans API access token (required unless -demo)"},
	{"humaans-base-url", "HUMAANS_BASE_URL", DefaultHumaansBaseURL, "Humaans API base URL"},
	{"sync-interval", "PEOPLEGRAPH_SYNC_INTERVAL", DefaultSyncInterval.String(), "time between scheduled syncs"},
	{"sync-timeout", "PEOPLEGRAPH_SYNC_TIMEOUT", "30m", "a sync still running after this is cancelled"},
	{"departure-limit", "PEOPLEGRAPH_DEPARTURE_LIMIT", "0.10", "share of the directory one sync may depart before it is held"},
	{"include-offboarded", "PEOPLEGRAPH_INCLUDE_OFFBOARDED", "false", "keep offboarded people visible in default views"},
	{"custom-fields", "PEOPLEGRAPH_CUSTOM_FIELDS", "", "Humaans custom fields selected when first seen, by name (comma-separated; * for all; the demo selects all); custom values are read from Humaans only while a field is selected or named here"},
	{"timezone", "PEOPLEGRAPH_TIMEZONE", "UTC", "company default IANA time zone"},
	{"trigger-hour", "PEOPLEGRAPH_TRIGGER_HOUR", strconv.Itoa(lifecycle.DefaultHour), "local hour (0-23) at which lifecycle triggers fire"},
	{"leap-day-policy", "PEOPLEGRAPH_LEAP_DAY_POLICY", string(lifecycle.LeapDayFeb28), "29 February in common years: feb28 or mar1"},
	{"lookback", "PEOPLEGRAPH_LOOKBACK", "168h", "how far back missed lifecycle triggers fire after downtime"},
	{"trigger-schedules", "PEOPLEGRAPH_TRIGGER_SCHEDULES", "", "extra trigger offsets in days, e.g. START_DATE:-7,PROBATION_END:-14"},
	{"trigger-interval", "PEOPLEGRAPH_TRIGGER_INTERVAL", "1m", "how often due lifecycle triggers are looked for"},
	{"include-hidden-birthdays", "PEOPLEGRAPH_INCLUDE_HIDDEN_BIRTHDAYS", "false", "fire BIRTHDAY for people who hide their birthday"},
	{"auth", "PEOPLEGRAPH_AUTH", string(auth.ModeStatic), "authentication: none, static or jwt"},
	{"auth-tokens", "PEOPLEGRAPH_AUTH_TOKENS", "", "static tokens: TOKEN=scope+scope,... (scopes: directory:read, private:read, operate)"},
	{"jwt-secret", "PEOPLEGRAPH_JWT_SECRET", "", "HS256 secret for -auth jwt"},
	{"graphiql", "PEOPLEGRAPH_GRAPHIQL", "true", "serve GraphiQL at /"},
	{"graph-cache-ttl", "PEOPLEGRAPH_GRAPH_CACHE_TTL", "30s", "how long directory reads and the responses of directory queries are cached (per document, variables and scopes; sync state and the event log are always read afresh); every change event empties the cache at once (0 turns it off)"},
	{"max-depth", "PEOPLEGRAPH_MAX_DEPTH", "12", "maximum GraphQL query depth"},
	{"max-complexity", "PEOPLEGRAPH_MAX_COMPLEXITY", "5000", "maximum GraphQL query complexity"},
	{"max-page-size", "PEOPLEGRAPH_MAX_PAGE_SIZE", "500", "maximum first/last of a connection"},
	{"webhook-secret", "PEOPLEGRAPH_WEBHOOK_SECRET", "", "HMAC secret of /webhooks/humaans (unset: endpoint off)"},
	{"shutdown-timeout", "PEOPLEGRAPH_SHUTDOWN_TIMEOUT", "30s", "how long shutdown waits for syncs and requests"},
}

// ErrHelp is returned by ParseConfig when -help was asked for.
var ErrHelp = flag.ErrHelp

// ParseConfig reads the flags in args, taking each default from getenv. It
// validates everything and returns every problem at once, joined.
func ParseConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	fs := flag.NewFlagSet("peoplegraph", flag.ContinueOnError)
	fs.SetOutput(output)
	values := make(map[string]*string, len(settings))
	// set holds the settings given by flag or environment, not defaulted.
	set := map[string]bool{}
	for _, s := range settings {
		v := s.def
		if env := getenv(s.env); env != "" {
			v = env
			set[s.flag] = true
		}
		values[s.flag] = &v
		fs.Var(&flagValue{s: &v, boolean: s.def == "true" || s.def == "false"}, s.flag, s.usage)
	}
	fs.Usage = func() { writeUsage(output) }
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return build(values, set)
}

// flagValue holds a flag's text, converted and validated later together with
// every other setting. Boolean settings may be given bare (-demo).
type flagValue struct {
	s       *string
	boolean bool
}

func (f *flagValue) String() string {
	if f.s == nil {
		return ""
	}
	return *f.s
}

func (f *flagValue) Set(v string) error { *f.s = v; return nil }

func (f *flagValue) IsBoolFlag() bool { return f.boolean }

// parser accumulates conversion problems so they can be reported together.
type parser struct {
	values map[string]*string
	errs   []error
}

func (p *parser) str(name string) string { return strings.TrimSpace(*p.values[name]) }

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("-%s (%s): %s", name, envOf(name), fmt.Sprintf(format, args...)))
}

func (p *parser) boolean(name string) bool {
	v, err := strconv.ParseBool(p.str(name))
	if err != nil {
		p.fail(name, "%q is not a boolean", p.str(name))
	}
	return v
}

func (p *parser) integer(name string, lo, hi int) int {
	v, err := strconv.Atoi(p.str(name))
	if err != nil || v < lo || v > hi {
		p.fail(name, "%q is not a whole number from %d to %d", p.str(name), lo, hi)
	}
	return v
}

func (p *parser) duration(name string, min time.Duration) time.Duration {
	v, err := time.ParseDuration(p.str(name))
	if err != nil || v < min {
		p.fail(name, "%q is not a duration of at least %s", p.str(name), min)
	}
	return v
}

func envOf(name string) string {
	for _, s := range settings {
		if s.flag == name {
			return s.env
		}
	}
	return ""
}

func build(values map[string]*string, set map[string]bool) (Config, error) {
	p := &parser{values: values}
	cfg := Config{
		Addr:              p.str("addr"),
		Demo:              p.boolean("demo"),
		DemoPeople:        p.integer("demo-people", 1, 200000),
		DatabaseURL:       p.str("database-url"),
		HumaansAPIKey:     p.str("humaans-api-key"),
		HumaansBaseURL:    p.str("humaans-base-url"),
		SyncInterval:      p.duration("sync-interval", time.Minute),
		SyncTimeout:       p.duration("sync-timeout", time.Second),
		IncludeOffboarded: p.boolean("include-offboarded"),
		CustomFields:      splitList(p.str("custom-fields")),
		TriggerHour:       p.integer("trigger-hour", 0, 23),
		Lookback:          p.duration("lookback", time.Minute),
		TriggerInterval:   p.duration("trigger-interval", time.Second),

		IncludeHiddenBirthdays: p.boolean("include-hidden-birthdays"),
		JWTSecret:              p.str("jwt-secret"),
		GraphiQL:               p.boolean("graphiql"),
		GraphCacheTTL:          p.duration("graph-cache-ttl", 0),
		MaxDepth:               p.integer("max-depth", 2, 100),
		MaxComplexity:          p.integer("max-complexity", 10, 10_000_000),
		MaxPageSize:            p.integer("max-page-size", 1, 10_000),
		WebhookSecret:          p.str("webhook-secret"),
		ShutdownTimeout:        p.duration("shutdown-timeout", 0),
	}
	cfg.LogLevel = parseLevel(p)
	cfg.LogJSON = parseLogFormat(p)
	cfg.DepartureLimit = parseShare(p, "departure-limit")
	cfg.Timezone = parseZone(p, "timezone")
	cfg.LeapDayPolicy = parseLeapDay(p)
	cfg.TriggerSchedules = parseSchedules(p)
	if cfg.Demo {
		applyDemoDefaults(&cfg, set)
	}
	cfg.Auth = parseAuth(p, cfg.Demo && !set["auth"])
	cfg.AuthTokens = parseTokens(p, cfg.Auth)
	validate(p, &cfg)
	if len(p.errs) > 0 {
		return Config{}, errors.Join(p.errs...)
	}
	return cfg, nil
}

// applyDemoDefaults makes -demo work with no other set-up: loopback only, and
// the simulator instead of a tenant, unless the operator said otherwise.
func applyDemoDefaults(cfg *Config, set map[string]bool) {
	if !set["addr"] {
		cfg.Addr = DefaultDemoAddr
	}
	if !set["custom-fields"] {
		cfg.CustomFields = []string{"*"}
	}
}

func parseLevel(p *parser) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(p.str("log-level"))); err != nil {
		p.fail("log-level", "%q is not one of debug, info, warn, error", p.str("log-level"))
	}
	return l
}

func parseLogFormat(p *parser) bool {
	switch p.str("log-format") {
	case "text":
		return false
	case "json":
		return true
	}
	p.fail("log-format", "%q is not text or json", p.str("log-format"))
	return false
}

func parseShare(p *parser, name string) float64 {
	v, err := strconv.ParseFloat(p.str(name), 64)
	if err != nil || v < 0 || v > 1 {
		p.fail(name, "%q is not a share from 0 to 1", p.str(name))
	}
	return v
}

func parseZone(p *parser, name string) *time.Location {
	loc, err := time.LoadLocation(p.str(name))
	if err != nil || p.str(name) == "" {
		p.fail(name, "%q is not an IANA time zone", p.str(name))
		return time.UTC
	}
	return loc
}

func parseLeapDay(p *parser) lifecycle.LeapDayPolicy {
	switch v := lifecycle.LeapDayPolicy(p.str("leap-day-policy")); v {
	case lifecycle.LeapDayFeb28, lifecycle.LeapDayMar1:
		return v
	}
	p.fail("leap-day-policy", "%q is not %s or %s", p.str("leap-day-policy"),
		lifecycle.LeapDayFeb28, lifecycle.LeapDayMar1)
	return lifecycle.LeapDayFeb28
}

func parseSchedules(p *parser) []lifecycle.Schedule {
	schedules, err := lifecycle.ParseSchedules(p.str("trigger-schedules"))
	if err != nil {
		p.fail("trigger-schedules", "%v", err)
	}
	return schedules
}

func parseAuth(p *parser, demoDefault bool) auth.Mode {
	if demoDefault {
		return auth.ModeNone
	}
	switch v := auth.Mode(p.str("auth")); v {
	case auth.ModeNone, auth.ModeStatic, auth.ModeJWT:
		return v
	}
	p.fail("auth", "%q is not %s, %s or %s", p.str("auth"), auth.ModeNone, auth.ModeStatic, auth.ModeJWT)
	return auth.ModeStatic
}

func parseTokens(p *parser, mode auth.Mode) map[string][]auth.Scope {
	raw := p.str("auth-tokens")
	tokens := map[string][]auth.Scope{}
	for _, entry := range splitList(raw) {
		token, scopes, ok := strings.Cut(entry, "=")
		token = strings.TrimSpace(token)
		if !ok || token == "" {
			p.fail("auth-tokens", "entry %d is not TOKEN=scope+scope", len(tokens)+1)
			continue
		}
		var list []auth.Scope
		for s := range strings.SplitSeq(scopes, "+") {
			if !slices.Contains(auth.AllScopes, auth.Scope(s)) {
				p.fail("auth-tokens", "unknown scope %q (want %s, %s or %s)",
					s, auth.ScopeDirectoryRead, auth.ScopePrivateRead, auth.ScopeOperate)
			}
			list = append(list, auth.Scope(s))
		}
		tokens[token] = list
	}
	if mode == auth.ModeStatic && len(tokens) == 0 {
		p.fail("auth-tokens", "static authentication needs at least one token "+
			"(or set PEOPLEGRAPH_AUTH=none to turn authentication off)")
	}
	return tokens
}

func validate(p *parser, cfg *Config) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		p.fail("addr", "%q is not HOST:PORT", cfg.Addr)
	}
	if cfg.DatabaseURL == "" {
		p.fail("database-url", "must not be empty")
	}
	if !cfg.Demo {
		if cfg.HumaansAPIKey == "" {
			p.fail("humaans-api-key", "required (or run with -demo)")
		}
		u, err := url.Parse(cfg.HumaansBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail("humaans-base-url", "%q is not an http(s) URL", cfg.HumaansBaseURL)
		}
	}
	if cfg.Auth == auth.ModeJWT && len(cfg.JWTSecret) < 16 {
		p.fail("jwt-secret", "jwt authentication needs a secret of at least 16 characters")
	}
	if cfg.SyncTimeout > cfg.SyncInterval && cfg.SyncInterval > 0 {
		p.fail("sync-timeout", "%s is longer than the sync interval %s", cfg.SyncTimeout, cfg.SyncInterval)
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: peoplegraph [flags]\n       peoplegraph humaans-sim [flags]\n\n")
	fmt.Fprintf(w, "Each flag's default comes from the environment variable in brackets.\n\n")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  -%s (%s, default %s)\n      %s\n", s.flag, s.env, def, s.usage)
	}
}
