package lifecycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// mustZone loads an IANA zone or fails the test.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// at returns the instant of a local wall time in zone name.
func at(t testing.TB, name, date string, hour, minute int) time.Time {
	t.Helper()
	d := civil.MustParse(date)
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, mustZone(t, name))
}

// newEvaluator returns an evaluator on db with cfg, using clock and firing
// at 09:00 unless cfg says otherwise.
func newEvaluator(t testing.TB, db *store.DB, clock clockwork.Clock,
	cfg lifecycle.Config) *lifecycle.Evaluator {
	t.Helper()
	if cfg.Hour == 0 {
		cfg.Hour = lifecycle.DefaultHour
	}
	cfg.Clock = clock
	e, err := lifecycle.New(db, cfg)
	require.NoError(t, err)
	return e
}

// dates is how a test person is seeded: only the fields that matter to
// lifecycle triggers.
type dates struct {
	status    person.Status
	start     string
	end       string
	probation string
	birth     string
	hidden    bool
	timezone  string
	location  string
	departed  time.Time
}

// mustPerson creates person id with d, active unless d says otherwise.
func mustPerson(t testing.TB, db *store.DB, id string, d dates) {
	t.Helper()
	if d.status == "" {
		d.status = person.StatusACTIVE
	}
	c := db.Client.Person.Create().SetID(id).SetStatus(d.status).SetBirthdayHidden(d.hidden)
	for _, f := range []struct {
		v   string
		set func(civil.Date) *ent.PersonCreate
	}{
		{d.start, c.SetStartDate}, {d.end, c.SetEndDate},
		{d.probation, c.SetProbationEndDate}, {d.birth, c.SetDateOfBirth},
	} {
		if f.v != "" {
			f.set(civil.MustParse(f.v))
		}
	}
	if d.timezone != "" {
		c.SetTimezone(d.timezone)
	}
	if d.location != "" {
		c.SetLocationID(d.location)
	}
	if !d.departed.IsZero() {
		c.SetDepartedAt(d.departed)
	}
	require.NoError(t, c.Exec(context.Background()))
}

// mustLocation creates a location with a time zone.
func mustLocation(t testing.TB, db *store.DB, id, tz string) {
	t.Helper()
	require.NoError(t, db.Client.Location.Create().SetID(id).SetTimezone(tz).
		Exec(context.Background()))
}

// mustEvaluate runs one evaluation and returns how many it fired.
func mustEvaluate(t testing.TB, e *lifecycle.Evaluator) int {
	t.Helper()
	n, err := e.Evaluate(context.Background())
	require.NoError(t, err)
	return n
}

// storedEvents returns the lifecycle events in the log, in id order.
func storedEvents(t testing.TB, db *store.DB) []*ent.Event {
	t.Helper()
	evs, err := db.Client.Event.Query().
		Where(event.TypeIn(lifecycle.Types()...)).
		Order(ent.Asc(event.FieldID)).All(context.Background())
	require.NoError(t, err)
	return evs
}

// storedKeys returns the occurrence keys in the log, in id order.
func storedKeys(t testing.TB, db *store.DB) []string {
	t.Helper()
	var keys []string
	for _, ev := range storedEvents(t, db) {
		keys = append(keys, *ev.OccurrenceKey)
	}
	return keys
}

// key is lifecycle.OccurrenceKey for a literal date.
func key(id string, typ lifecycle.Type, offset int, date string) string {
	return lifecycle.OccurrenceKey(id, typ, offset, civil.MustParse(date))
}

// payloadOf decodes an event's payload.
func payloadOf(t testing.TB, ev *ent.Event) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(ev.Payload, &m))
	return m
}

// drive moves clock from its current time to until in steps of step (and
// a last partial one), evaluating at the start and after each step. It returns, for
// each key stored, the clock time of the evaluation that stored it, and the
// sum of what the evaluations reported firing.
func drive(t testing.TB, db *store.DB, clock *clockwork.FakeClock,
	e *lifecycle.Evaluator, step time.Duration, until time.Time) (map[string]time.Time, int) {
	t.Helper()
	seen := map[string]time.Time{}
	fired := 0
	record := func() {
		fired += mustEvaluate(t, e)
		for _, k := range storedKeys(t, db) {
			if _, ok := seen[k]; !ok {
				seen[k] = clock.Now()
			}
		}
	}
	record()
	for clock.Now().Before(until) {
		clock.Advance(min(step, until.Sub(clock.Now())))
		record()
	}
	return seen, fired
}

// errHook is what a test hook returns to fail an evaluation.
var errHook = errors.New("hook failed")

func itoa(i int) string { return strconv.Itoa(i) }

// assertNoError reports err from a goroutine other than the test's.
func assertNoError(t testing.TB, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}

// evaluateTogether runs rounds evaluations on each of replicas at once and
// returns how many occurrences they fired in all.
func evaluateTogether(t testing.TB, replicas []*lifecycle.Evaluator, rounds int) int {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fired int
	)
	for _, e := range replicas {
		wg.Go(func() {
			for range rounds {
				n, err := e.Evaluate(context.Background())
				if !assertNoError(t, err) {
					return
				}
				mu.Lock()
				fired += n
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return fired
}

// seedCheckpoint records that evaluation ran up to reached and knew
// everyone stored now, as a database that has been evaluating for a while
// would.
func seedCheckpoint(t testing.TB, db *store.DB, reached time.Time) {
	t.Helper()
	ctx := context.Background()
	people, err := db.Client.Person.Query().All(ctx)
	require.NoError(t, err)
	var latest *time.Time
	for _, p := range people {
		if latest == nil || p.CreatedAt.After(*latest) {
			latest = &p.CreatedAt
		}
	}
	require.NoError(t, db.Client.Checkpoint.Create().SetID(lifecycle.CheckpointID).
		SetReachedAt(reached).SetNillablePeopleCreatedAt(latest).Exec(ctx))
}

// checkpointAt returns the instant the stored checkpoint has reached.
func checkpointAt(t testing.TB, db *store.DB) time.Time {
	t.Helper()
	cp, err := db.Client.Checkpoint.Get(context.Background(), lifecycle.CheckpointID)
	require.NoError(t, err)
	return cp.ReachedAt
}
