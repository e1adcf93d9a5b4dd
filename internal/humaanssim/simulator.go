package humaanssim

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Scopes a token can carry.
const (
	ScopePublicRead        = "public:read"
	ScopePrivateRead       = "private:read"
	ScopePrivateWrite      = "private:write"
	ScopeCompensationsRead = "compensations:read"
	ScopeDocumentsRead     = "documents:read"
	ScopeWebhooksManage    = "webhooks:manage"
)

// grant is what a token may do, and whose it is.
type grant struct {
	scopes   []string
	personID string
}

func (g grant) has(scope string) bool { return slices.Contains(g.scopes, scope) }

// Simulator is a running Humaans company. Create it with New; it serves the API through
// ServeHTTP. All methods are safe for concurrent use.
type Simulator struct {
	opts    Options
	log     *slog.Logger
	control http.Handler

	mu       sync.Mutex
	now      time.Time
	ids      *idSource
	token    string
	owner    string
	tokens   map[string]grant
	faults   []*faultState
	requests map[string]int

	companies     []*company
	locations     []*location
	people        []*person
	peopleByID    map[string]*person
	roles         []*jobRole
	rolesByPerson map[string][]*jobRole
	fields        []*customField
	values        []*customValue
	nextEmployee  int
	// cache holds views of the lists derived for a token's visibility; any change clears it.
	cache map[string]any
}

// New builds a simulator from opts: a generated company, or the fixture when opts.Fixture is
// set. It fails only when the fixture cannot be read or is inconsistent.
func New(opts Options) (*Simulator, error) {
	s := &Simulator{
		opts:     opts,
		log:      opts.Logger,
		now:      opts.Now,
		ids:      newIDSource(opts.Seed),
		tokens:   map[string]grant{},
		requests: map[string]int{},
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now.IsZero() {
		s.now = DefaultNow
	}
	s.now = s.now.UTC()
	ds, err := s.load()
	if err != nil {
		return nil, err
	}
	s.adopt(ds)
	s.token = opts.Token
	if s.token == "" {
		s.token = defaultToken(opts.Seed)
	}
	if len(s.people) > 0 {
		s.owner = s.people[0].id
	}
	s.tokens[s.token] = grant{
		scopes:   []string{ScopePublicRead, ScopePrivateRead},
		personID: s.owner,
	}
	s.control = s.controlHandler()
	return s, nil
}

func (s *Simulator) load() (*dataset, error) {
	if s.opts.Fixture != "" {
		ds, err := loadFixture(s.opts.Fixture, s.now)
		if err != nil {
			return nil, fmt.Errorf("loading fixture: %w", err)
		}
		return ds, nil
	}
	n := s.opts.People
	if n <= 0 {
		n = defaultPeople
	}
	return generate(n, s.opts.Seed, s.now, s.ids), nil
}

// adopt installs a dataset, derives statuses and direct reports, and applies any status a
// fixture gives that its dates contradict.
func (s *Simulator) adopt(ds *dataset) {
	s.companies, s.locations, s.people = ds.companies, ds.locations, ds.people
	s.roles, s.fields, s.values = ds.roles, ds.fields, ds.values
	s.peopleByID = make(map[string]*person, len(s.people))
	for _, p := range s.people {
		s.peopleByID[p.id] = p
	}
	s.rolesByPerson = make(map[string][]*jobRole, len(s.people))
	for _, r := range s.roles {
		s.rolesByPerson[r.personID] = append(s.rolesByPerson[r.personID], r)
	}
	today := s.today()
	for _, p := range s.people {
		if p.status != "" && p.status != p.derivedStatus(today) {
			p.forcedStatus = p.status
		}
	}
	s.nextEmployee = len(s.people) + 1
	s.recompute(causeLoad)
}

// today is the clock's calendar day in UTC.
func (s *Simulator) today() civil.Date { return civil.DateOf(s.now) }

// cause says why recompute runs, which decides whose updatedAt it bumps.
type cause int

const (
	causeLoad     cause = iota // building the company: nothing is bumped
	causeClock                 // the clock moved: bumped only with FlipsBumpUpdatedAt
	causeMutation              // a mutation: managers whose reports changed are bumped
)

// recompute derives every status and every directReports list for the clock's day, and
// clears the visibility cache. It must be called with s.mu held.
func (s *Simulator) recompute(why cause) {
	today := s.today()
	flips := why == causeClock && s.opts.FlipsBumpUpdatedAt
	bumpReports := why == causeMutation || flips
	now := stampOf(s.now)
	reports := make(map[string][]string, len(s.people)/4)
	for _, p := range s.people {
		rows := s.rolesByPerson[p.id]
		r := roleOn(rows, today)
		if r == nil {
			r = startingRole(rows, today)
		}
		if r != nil && r.reportingTo != "" {
			reports[r.reportingTo] = append(reports[r.reportingTo], p.id)
		}
	}
	for _, p := range s.people {
		status := p.derivedStatus(today)
		bump := flips && status != p.status
		p.status = status
		if !slices.Equal(p.directReports, reports[p.id]) {
			bump = bump || bumpReports
			p.directReports = reports[p.id]
		}
		if bump && p.updatedAt < now {
			p.updatedAt = now
		}
	}
	s.cache = map[string]any{}
}

// Token returns the default token, which holds public:read and private:read and belongs to
// the company's first person.
func (s *Simulator) Token() string { return s.token }

// Now returns the simulator's clock.
func (s *Simulator) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// SetNow moves the clock to t. Statuses, current roles and direct reports follow the new
// day at once.
func (s *Simulator) SetNow(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = t.UTC()
	s.recompute(causeClock)
}

// Advance moves the clock by d, which may be negative.
func (s *Simulator) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
	s.recompute(causeClock)
}

// AddToken registers token with the given scopes, owned by the company's first person. An
// existing token's scopes are replaced.
func (s *Simulator) AddToken(token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = grant{scopes: slices.Clone(scopes), personID: s.owner}
}

// RevokeToken forgets token; later requests with it get 401.
func (s *Simulator) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// Requests returns how many API requests have hit route ("people", "job-roles", "me", ...),
// whatever their outcome. "*" counts the requests to every route, as it matches every route
// in a Fault.
func (s *Simulator) Requests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if route != "*" {
		return s.requests[route]
	}
	n := 0
	for _, c := range s.requests {
		n += c
	}
	return n
}

// ServeHTTP serves the Humaans API under /api and the control API under /_sim/.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/"):
		s.serveAPI(w, r)
	case strings.HasPrefix(r.URL.Path, "/_sim/"):
		s.control.ServeHTTP(w, r)
	default:
		writeError(w, http.StatusNotFound, "Page not found")
	}
}

// cached returns the value stored under key since the last change, computing it on a miss.
// It must be called with s.mu held.
func cached[T any](s *Simulator, key string, compute func() T) T {
	if v, ok := s.cache[key]; ok {
		return v.(T)
	}
	v := compute()
	s.cache[key] = v
	return v
}

// companyOf returns the company id of a person, or "" for an unknown one.
func (s *Simulator) companyOf(personID string) string {
	if p := s.peopleByID[personID]; p != nil {
		return p.companyID
	}
	return ""
}

var _ http.Handler = (*Simulator)(nil)
