package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// benchClients is the number of concurrent clients of the load benchmark.
const benchClients = 32

const benchPersonQuery = `query($email: String!) { personByEmail(email: $email) {
	id displayName jobTitle
	managementChain(maxDepth: 3) { id displayName workEmail }
	customFields { value definition { name } }
} }`

// load sends total requests of body from benchClients clients and returns
// the throughput in requests per second and the latencies, sorted.
func load(b *testing.B, client *http.Client, url string, bodies [][]byte, total int) (
	float64, []time.Duration,
) {
	b.Helper()
	lat := make([]time.Duration, total)
	var next sync.Mutex
	i := 0
	take := func() int {
		next.Lock()
		defer next.Unlock()
		if i >= total {
			return -1
		}
		i++
		return i - 1
	}
	var wg sync.WaitGroup
	errs := make(chan error, benchClients)
	start := time.Now()
	for range benchClients {
		wg.Go(func() {
			for n := take(); n >= 0; n = take() {
				t0 := time.Now()
				res, err := client.Post(url, "application/json",
					bytes.NewReader(bodies[n%len(bodies)]))
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("status %d", res.StatusCode)
					return
				}
				lat[n] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
	slices.Sort(lat)
	return float64(total) / elapsed.Seconds(), lat
}

func p99(lat []time.Duration) time.Duration {
	return lat[(len(lat)*99)/100]
}

// BenchmarkPersonByEmailVsTypename measures, on one server in one run, the
// throughput of personByEmail with a 3-level management chain and custom
// fields against { __typename }, and the p99 latency of each at 32
// concurrent clients. It reports the ratio (the bar is at least 0.5) and
// the p99 (the bar is under 10 ms).
//
// It runs on an embedded SQLite file (the product's default database, with
// WAL and a connection pool), and on Postgres when PEOPLEGRAPH_TEST_DATABASE_URL
// is set; each without and with the shared read cache as the service
// configures it (Options.CacheTTL of 30 s on the real clock, and OnFlush).
func BenchmarkPersonByEmailVsTypename(b *testing.B) {
	sqlite := func(b *testing.B) *store.DB {
		path := filepath.Join(b.TempDir(), "bench.db")
		db, err := store.Open(context.Background(), "file:"+path)
		require.NoError(b, err)
		b.Cleanup(func() { _ = db.Close() })
		require.NoError(b, db.Migrate(context.Background()))
		return db
	}
	postgres := func(b *testing.B) *store.DB { return storetest.OpenPostgres(b) }
	for _, c := range []struct {
		name   string
		open   func(b *testing.B) *store.DB
		cached bool
	}{
		{"sqlite", sqlite, false},
		{"sqlite-cached", sqlite, true},
		{"postgres", postgres, false},
		{"postgres-cached", postgres, true},
	} {
		b.Run(c.name, func(b *testing.B) { benchPersonByEmail(b, c.open(b), c.cached) })
	}
}

// benchPersonByEmail runs the comparison; cached configures the read cache
// as the service ships it (see envOptions.serviceCache).
func benchPersonByEmail(b *testing.B, db *store.DB, cached bool) {
	e := newEnv(b, db, envOptions{people: 300, serviceCache: cached})
	if cached {
		require.NotNil(b, e.flush, "the handler hands out its cache flush")
	}
	people, err := e.db.Client.Person.Query().
		Where(person.DepartedAtIsNil(), person.WorkEmailNotNil(), person.ManagerIDNotNil()).
		Order(ent.Asc(person.FieldID)).Limit(100).All(context.Background())
	require.NoError(b, err)
	var personBodies [][]byte
	for _, p := range people {
		body, err := json.Marshal(map[string]any{"query": benchPersonQuery,
			"variables": map[string]any{"email": *p.WorkEmail}})
		require.NoError(b, err)
		personBodies = append(personBodies, body)
	}
	check := e.post(b, "", benchPersonQuery, map[string]any{"email": *people[0].WorkEmail})
	require.Empty(b, check.Errors)
	typename := [][]byte{[]byte(`{"query":"{ __typename }"}`)}
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConns: benchClients * 2, MaxIdleConnsPerHost: benchClients * 2,
	}}
	total := max(b.N, 2000)
	// Warm the connection pool and the query cache.
	load(b, client, e.srv.URL, typename, 500)
	load(b, client, e.srv.URL, personBodies, 500)

	b.ResetTimer()
	baseRPS, baseLat := load(b, client, e.srv.URL, typename, total)
	rps, lat := load(b, client, e.srv.URL, personBodies, total)
	b.StopTimer()

	ratio := rps / baseRPS
	b.ReportMetric(baseRPS, "typename-req/s")
	b.ReportMetric(rps, "person-req/s")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(float64(p99(lat).Microseconds())/1000, "person-p99-ms")
	b.ReportMetric(float64(p99(baseLat).Microseconds())/1000, "typename-p99-ms")
	b.Logf("{ __typename }: %.0f req/s, p99 %s; personByEmail: %.0f req/s, p99 %s; "+
		"ratio %.2f (bar >= 0.5), p99 bar < 10ms", baseRPS, p99(baseLat), rps, p99(lat), ratio)
}
