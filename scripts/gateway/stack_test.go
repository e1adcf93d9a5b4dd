package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bounds on each phase of the set-up. The build is the slow one on a cold cache.
const (
	buildTimeout   = 5 * time.Minute
	startupTimeout = 90 * time.Second
)

// How many people get tickets, and the page they are picked from. The page-of-people check
// asks for the same page, so the ticketed people are on it.
const (
	peopleToTicket  = 3
	peoplePageToAsk = 50
)

// requireNodeTooling skips the test when node or the installed packages are missing, or
// fails it when CI is set, since CI must run the gateway test.
func requireNodeTooling(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node is not on PATH; install Node.js 20 or later to run the gateway test")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@graphql-hive", "gateway")); err != nil {
		skipOrFail(t, "scripts/gateway/node_modules is missing; run `npm ci` in scripts/gateway")
	}
}

// skipOrFail skips with reason, unless the CI environment variable is true.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("%s (CI is set, so this is a failure, not a skip)", reason)
	}
	t.Skip(reason)
}

// startStack builds and starts peoplegraph, picks people from it, starts the two Node
// subgraphs for them and Hive Gateway over all three. Everything stops in t.Cleanup.
func startStack(t *testing.T) *stack {
	t.Helper()
	s := &stack{}
	s.peoplegraphProc, s.peoplegraph, s.simulator = startPeoplegraph(t)
	s.people = pickPeople(t, s.peoplegraph)
	// Ticket i is watched by the people in reverse order, so a watcher is looked up by work
	// email while its tickets come from another ticket's requester.
	s.watchers = make([]person, len(s.people))
	emails := make([]string, len(s.people))
	for i := range s.people {
		s.watchers[i] = s.people[len(s.people)-1-i]
		emails[i] = *s.watchers[i].WorkEmail
	}
	ids := make([]string, len(s.people))
	for i, p := range s.people {
		ids[i] = p.ID
	}
	env := []string{
		"TICKETS_PERSON_IDS=" + mustJSON(t, ids),
		"TICKETS_WATCHER_EMAILS=" + mustJSON(t, emails),
	}
	tickets := startNodeSubgraph(t, "tickets", env)
	watchers := startNodeSubgraph(t, "watchers", env)
	s.tickets = tickets.wait(t)
	s.gateway = startGateway(t, []string{
		"PEOPLEGRAPH_SUBGRAPH_URL=" + s.peoplegraph,
		"TICKETS_SUBGRAPH_URL=" + s.tickets,
		"WATCHERS_SUBGRAPH_URL=" + watchers.wait(t),
	})
	return s
}

// startPeoplegraph builds the service, runs it in demo mode with a fresh SQLite file on a
// loopback port and, once the first sync has applied people, returns its GraphQL endpoint
// and the root URL of the Humaans simulator it syncs from.
func startPeoplegraph(t *testing.T) (p *process, endpoint, simulator string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "peoplegraph")
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout)
	defer cancel()
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.CommandContext(ctx, "go", append(args, "../..")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building peoplegraph: %v\n%s", err, out)
	}
	addr := freeLoopbackAddr(t)
	// Registered first so that it runs last, once the process has been stopped.
	t.Cleanup(func() {
		if p == nil {
			return
		}
		if out, _ := p.out.snapshot(); strings.Contains(out, "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in peoplegraph:\n%s", out)
		}
	})
	p = startProcess(t, "peoplegraph", dir, []string{
		"PEOPLEGRAPH_ADDR=" + addr,
		"DATABASE_URL=file:" + filepath.Join(dir, "peoplegraph.db"),
		"PEOPLEGRAPH_AUTH=none",
	}, bin, "-demo")
	base := "http://" + addr
	ctx, cancel = context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	err := p.poll(ctx, "peoplegraph /readyz", func(ctx context.Context) error {
		code, err := getStatus(ctx, base+"/readyz")
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("%w: status %d, %v", errNotYet, code, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	endpoint = base + "/graphql"
	if err := p.poll(ctx, "the first sync", firstSyncApplied(endpoint)); err != nil {
		t.Fatal(err)
	}
	return p, endpoint, simulatorRoot(t, p)
}

// simulatorRoot reads the demo simulator's API URL from peoplegraph's ready log line and
// returns the server root, under which the simulator's control API lives at /_sim/.
func simulatorRoot(t *testing.T, p *process) string {
	t.Helper()
	const marker = "humaans_sim="
	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	line, err := p.waitForLine(ctx, marker)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(line, marker)
	api, _, _ := strings.Cut(rest, " ")
	u, err := url.Parse(strings.Trim(api, `"`))
	if err != nil || u.Host == "" {
		t.Fatalf("peoplegraph logged an unusable simulator URL in %q: %v", line, err)
	}
	return u.Scheme + "://" + u.Host
}

// firstSyncApplied checks that a sync run has applied the directory and that it holds people.
func firstSyncApplied(endpoint string) func(context.Context) error {
	return func(ctx context.Context) error {
		var got struct {
			HumaansSync struct {
				LastSuccessfulRun *struct {
					ID string `json:"id"`
				} `json:"lastSuccessfulRun"`
			} `json:"humaansSync"`
			People struct {
				TotalCount int `json:"totalCount"`
			} `json:"people"`
		}
		doc := `{ humaansSync { lastSuccessfulRun { id } } people(first: 1) { totalCount } }`
		if err := query(ctx, endpoint, doc, nil, &got); err != nil {
			return err
		}
		if got.HumaansSync.LastSuccessfulRun == nil {
			return fmt.Errorf("%w: no sync run has applied the directory", errNotYet)
		}
		if got.People.TotalCount == 0 {
			return fmt.Errorf("the applied sync left the directory empty")
		}
		return nil
	}
}

// pickPeople asks peoplegraph directly for the first people on a page that have a work
// email and a manager, as the tests compare them.
func pickPeople(t *testing.T, endpoint string) []person {
	t.Helper()
	var got struct {
		People struct {
			Edges []struct {
				Node person `json:"node"`
			} `json:"edges"`
		} `json:"people"`
	}
	doc := `query($first: Int) {
		people(first: $first) { edges { node { ` + personFields + ` } } } }`
	vars := map[string]any{"first": peoplePageToAsk}
	if err := query(t.Context(), endpoint, doc, vars, &got); err != nil {
		t.Fatalf("listing people: %v", err)
	}
	var people []person
	for _, e := range got.People.Edges {
		if e.Node.WorkEmail != nil && e.Node.Manager != nil && len(people) < peopleToTicket {
			people = append(people, e.Node)
		}
	}
	if len(people) < peopleToTicket {
		t.Fatalf("peoplegraph lists %d people with a work email and a manager among the first %d;"+
			" the test needs %d", len(people), peoplePageToAsk, peopleToTicket)
	}
	return people
}

// nodeSubgraph is a starting Node subgraph whose URL is known once it reports ready.
type nodeSubgraph struct {
	p *process
}

// startNodeSubgraph runs name.mjs on a port of the kernel's choosing.
func startNodeSubgraph(t *testing.T, name string, env []string) nodeSubgraph {
	t.Helper()
	return nodeSubgraph{p: startProcess(t, name, ".", env, "node", name+".mjs", "0")}
}

// wait returns the subgraph's URL once it accepts requests.
func (n nodeSubgraph) wait(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	marker := n.p.name + " subgraph ready at "
	line, err := n.p.waitForLine(ctx, marker)
	if err != nil {
		t.Fatal(err)
	}
	return line[len(marker):]
}

// startGateway runs Hive Gateway on a loopback port with gateway.config.mjs and env naming
// the subgraphs, and returns its GraphQL endpoint once it answers a query.
func startGateway(t *testing.T, env []string) string {
	t.Helper()
	addr := freeLoopbackAddr(t)
	_, port, _ := strings.Cut(addr, ":")
	p := startProcess(t, "hive-gateway", ".", append(env, "NO_COLOR=1"),
		"node", filepath.Join("node_modules", ".bin", "hive-gateway"),
		"supergraph", "-c", "gateway.config.mjs", "-h", "127.0.0.1", "-p", port)
	endpoint := "http://" + addr + "/graphql"
	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	err := p.poll(ctx, "Hive Gateway", func(ctx context.Context) error {
		var got struct {
			Typename string `json:"__typename"`
		}
		if err := query(ctx, endpoint, `{ __typename }`, nil, &got); err != nil {
			return fmt.Errorf("%w: %v", errNotYet, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return endpoint
}

// mustJSON encodes v for an environment variable.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %v: %v", v, err)
	}
	return string(b)
}
