package humaanssim

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

func TestCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Command(ctx, []string{"-addr", "127.0.0.1:0", "-people", "40", "-seed", "3",
			"-token", "cmd-token"}, w, io.Discard)
		w.Close()
	}()
	lines := bufio.NewScanner(out)
	require.True(t, lines.Scan())
	url, ok := strings.CutPrefix(lines.Text(), "humaans-sim listening on ")
	require.True(t, ok, lines.Text())
	require.True(t, lines.Scan())
	require.Equal(t, "token: cmd-token", lines.Text())
	go func() { _, _ = io.Copy(io.Discard, out) }()

	t.Run("it serves the API on the printed URL", func(t *testing.T) {
		ts := &testSim{api: url}
		env := mustListWith[humaans.Person](t, ts, "cmd-token", "people")
		require.Equal(t, 40, env.Total)
		status, _ := ts.getWith(t, "", "people")
		require.Equal(t, http.StatusUnauthorized, status)
	})
	t.Run("it stops cleanly when the context ends", func(t *testing.T) {
		cancel()
		require.NoError(t, <-done)
		_, err := http.Get(url + "/people")
		require.Error(t, err)
	})
}

func TestCommandErrors(t *testing.T) {
	cases := map[string][]string{
		"an unknown flag":   {"-bogus"},
		"a stray argument":  {"extra"},
		"a bad clock":       {"-now", "soon"},
		"a missing fixture": {"-fixture", "testdata/absent.json"},
		"a bad address":     {"-addr", "256.0.0.1:99999"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			err := Command(context.Background(), args, io.Discard, io.Discard)
			require.Error(t, err)
		})
	}
	t.Run("the switches and the clock are parsed", func(t *testing.T) {
		opts, addr, err := parseFlags([]string{"-default-active-only", "-no-token-info",
			"-reject-unknown-params", "-reject-over-limit", "-public-hides-offboarded",
			"-flips-bump-updated-at", "-now", "2027-02-03T04:05:06Z"}, io.Discard)
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:9090", addr)
		require.Equal(t, 600, opts.People)
		require.EqualValues(t, 1, opts.Seed)
		require.True(t, opts.DefaultStatusActiveOnly && opts.NoTokenInfo &&
			opts.RejectUnknownParams && opts.RejectOverLimit && opts.PublicHidesOffboarded &&
			opts.FlipsBumpUpdatedAt)
		require.Equal(t, "2027-02-03T04:05:06Z", opts.Now.Format("2006-01-02T15:04:05Z07:00"))
	})
}
