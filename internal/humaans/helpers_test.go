package humaans_test

import (
	"bytes"
	"log/slog"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// syncBuffer is a bytes.Buffer safe for the client's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a simulator with a client pointed at it.
type testEnv struct {
	sim    *humaanssim.Simulator
	url    string
	client *humaans.Client
	logs   *syncBuffer
}

// newTestEnv starts a simulator and a client with short backoffs, no rate
// limit and a debug log captured for inspection. opts are applied after the
// defaults, so they override them.
func newTestEnv(t testing.TB, simOpts humaanssim.Options, opts ...humaans.Option) *testEnv {
	t.Helper()
	sim, url := humaanssim.Start(t, simOpts)
	env := &testEnv{sim: sim, url: url, logs: &syncBuffer{}}
	env.client = newTestClient(t, url, sim.Token(), env.logs, opts...)
	return env
}

// newTestClient builds a client for url with test-friendly defaults.
func newTestClient(
	t testing.TB, url, token string, logs *syncBuffer, opts ...humaans.Option,
) *humaans.Client {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := []humaans.Option{
		humaans.WithBackoff(time.Millisecond, 10*time.Millisecond),
		humaans.WithRateLimit(math.Inf(1), 1),
		humaans.WithRequestTimeout(5 * time.Second),
		humaans.WithLogger(logger),
	}
	c, err := humaans.New(url, token, append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// ids returns the sorted ids of rows.
func ids[T any](rows []T, id func(T) string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, id(r))
	}
	slices.Sort(out)
	return out
}

func personIDOf(p humaans.Person) string { return p.ID }

// simPeopleIDs returns the sorted ids of the simulator's people, keeping
// those keep accepts.
func simPeopleIDs(sim *humaanssim.Simulator, keep func(humaans.Person) bool) []string {
	var out []string
	for _, p := range sim.People() {
		if keep == nil || keep(p) {
			out = append(out, p.ID)
		}
	}
	slices.Sort(out)
	return out
}

// pagesFor is how many pages of 250 a listing of n rows takes (an empty
// listing still costs one request).
func pagesFor(n int) int {
	return max(1, (n+249)/250)
}

// countStatuses counts the simulator's people by status.
func countStatuses(sim *humaanssim.Simulator) map[humaans.Status]int {
	counts := map[humaans.Status]int{}
	for _, p := range sim.People() {
		counts[p.Status]++
	}
	return counts
}
