package app

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
)

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	t.Run("defaults with a key and a token", func(t *testing.T) {
		cfg, err := ParseConfig(nil, envFrom(map[string]string{
			"HUMAANS_API_KEY":         "k",
			"PEOPLEGRAPH_AUTH_TOKENS": "t1=directory:read,t2=directory:read+operate",
		}), &bytes.Buffer{})
		require.NoError(t, err)
		require.Equal(t, DefaultAddr, cfg.Addr)
		require.Equal(t, DefaultDatabaseURL, cfg.DatabaseURL)
		require.Equal(t, DefaultHumaansBaseURL, cfg.HumaansBaseURL)
		require.Equal(t, 3*time.Hour, cfg.SyncInterval)
		require.Equal(t, auth.ModeStatic, cfg.Auth)
		require.Equal(t, []auth.Scope{auth.ScopeDirectoryRead, auth.ScopeOperate}, cfg.AuthTokens["t2"])
		require.InDelta(t, 0.10, cfg.DepartureLimit, 1e-9)
		require.Equal(t, "UTC", cfg.Timezone.String())
		require.Equal(t, lifecycle.LeapDayFeb28, cfg.LeapDayPolicy)
	})

	t.Run("flags override the environment", func(t *testing.T) {
		cfg, err := ParseConfig(
			[]string{"-addr", "127.0.0.1:9999", "-sync-interval", "1h", "-auth", "none"},
			envFrom(map[string]string{"HUMAANS_API_KEY": "k", "PEOPLEGRAPH_ADDR": ":1"}),
			&bytes.Buffer{})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:9999", cfg.Addr)
		require.Equal(t, time.Hour, cfg.SyncInterval)
		require.Equal(t, auth.ModeNone, cfg.Auth)
	})

	t.Run("demo needs nothing else and binds loopback", func(t *testing.T) {
		cfg, err := ParseConfig([]string{"-demo"}, envFrom(nil), &bytes.Buffer{})
		require.NoError(t, err)
		require.True(t, cfg.Demo)
		require.Equal(t, DefaultDemoAddr, cfg.Addr)
		require.Equal(t, auth.ModeNone, cfg.Auth)
	})

	t.Run("every problem is reported at once", func(t *testing.T) {
		_, err := ParseConfig(nil, envFrom(map[string]string{
			"PEOPLEGRAPH_ADDR":            "nope",
			"PEOPLEGRAPH_SYNC_INTERVAL":   "often",
			"PEOPLEGRAPH_TIMEZONE":        "Mars/Olympus",
			"PEOPLEGRAPH_DEPARTURE_LIMIT": "2",
			"PEOPLEGRAPH_AUTH":            "maybe",
			"PEOPLEGRAPH_LOG_FORMAT":      "xml",
			"PEOPLEGRAPH_TRIGGER_HOUR":    "24",
			"HUMAANS_BASE_URL":            "ftp://x",
		}), &bytes.Buffer{})
		require.Error(t, err)
		msg := err.Error()
		for _, want := range []string{
			"PEOPLEGRAPH_ADDR", "PEOPLEGRAPH_SYNC_INTERVAL", "PEOPLEGRAPH_TIMEZONE",
			"PEOPLEGRAPH_DEPARTURE_LIMIT", "PEOPLEGRAPH_AUTH", "PEOPLEGRAPH_LOG_FORMAT",
			"PEOPLEGRAPH_TRIGGER_HOUR", "HUMAANS_API_KEY", "HUMAANS_BASE_URL",
		} {
			require.Contains(t, msg, want)
		}
	})

	t.Run("static auth without tokens is refused", func(t *testing.T) {
		_, err := ParseConfig(nil, envFrom(map[string]string{"HUMAANS_API_KEY": "k"}), &bytes.Buffer{})
		require.ErrorContains(t, err, "PEOPLEGRAPH_AUTH_TOKENS")
	})

	t.Run("unknown scopes are refused", func(t *testing.T) {
		_, err := ParseConfig(nil, envFrom(map[string]string{
			"HUMAANS_API_KEY": "k", "PEOPLEGRAPH_AUTH_TOKENS": "t=admin",
		}), &bytes.Buffer{})
		require.ErrorContains(t, err, `unknown scope "admin"`)
	})

	t.Run("the API key never appears in errors", func(t *testing.T) {
		_, err := ParseConfig(nil, envFrom(map[string]string{
			"HUMAANS_API_KEY": "sekrit-key-123", "PEOPLEGRAPH_ADDR": "bad",
		}), &bytes.Buffer{})
		require.Error(t, err)
		require.NotContains(t, err.Error(), "sekrit-key-123")
	})

	t.Run("help lists every variable", func(t *testing.T) {
		var out bytes.Buffer
		_, err := ParseConfig([]string{"-help"}, envFrom(nil), &out)
		require.True(t, errors.Is(err, ErrHelp))
		for _, s := range settings {
			require.True(t, strings.Contains(out.String(), s.env), "help lacks %s", s.env)
		}
	})
}

func TestReadmeDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, s := range settings {
		row := fmt.Sprintf("| `-%s` | `%s` |", s.flag, s.env)
		require.Contains(t, string(readme), row, "the README's configuration table lacks -%s", s.flag)
	}
}
