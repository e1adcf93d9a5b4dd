package humaanssim

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// mustPerson fetches a person through the API with the default token.
func mustPerson(t *testing.T, ts *testSim, id string) humaans.Person {
	t.Helper()
	status, body := ts.get(t, "people/"+id)
	require.Equal(t, http.StatusOK, status, string(body))
	var p humaans.Person
	require.NoError(t, json.Unmarshal(body, &p))
	return p
}

func decodeTo[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(body, &v), string(body))
	return v
}

// activeLeaf returns an active person without reports, who is not the token owner.
func activeLeaf(t *testing.T, ts *testSim) humaans.Person {
	t.Helper()
	people := ts.People()
	for _, p := range people[1:] {
		if p.Status == humaans.StatusActive && len(p.DirectReports) == 0 &&
			p.EmploymentEndDate.IsZero() {
			return p
		}
	}
	t.Fatal("no active leaf")
	return humaans.Person{}
}

func currentManager(t *testing.T, ts *testSim, personID string) string {
	t.Helper()
	today := civil.DateOf(ts.Now()).String()
	env := mustList[humaans.JobRole](t, ts, "job-roles?personId="+personID+"&$asOf="+today)
	require.Len(t, env.Data, 1)
	return env.Data[0].ReportingTo
}

func TestControlHire(t *testing.T) {
	ts := newTestSim(t, Options{People: 40, Seed: 21, FullProfiles: true})
	ceo := ts.People()[0]
	later := civil.DateOf(ts.Now()).AddDays(10)

	status, body := ts.control(t, http.MethodPost, "/_sim/people", map[string]any{
		"firstName": "Ada", "lastName": "Lovelace", "email": "ada@lumenlabs.example",
		"jobTitle": "Engineer", "department": "Engineering", "managerId": ceo.ID,
		"teams": []string{"Platform"}, "startDate": later.String(), "birthday": "1990-02-28",
	})
	require.Equal(t, http.StatusCreated, status, string(body))
	hired := decodeTo[humaans.Person](t, body)

	t.Run("the hire is a pre-hire with a future role", func(t *testing.T) {
		got := mustPerson(t, ts, hired.ID)
		require.Equal(t, humaans.StatusNewHire, got.Status)
		require.Equal(t, later, got.EmploymentStartDate)
		require.Equal(t, []humaans.Team{{Name: "Platform"}}, got.Teams)
		roles := mustList[humaans.JobRole](t, ts, "job-roles?personId="+hired.ID)
		require.Len(t, roles.Data, 1)
		require.Equal(t, later, roles.Data[0].EffectiveDate)
		require.Equal(t, ceo.ID, roles.Data[0].ReportingTo)
	})
	t.Run("the manager lists the hire and is bumped", func(t *testing.T) {
		got := mustPerson(t, ts, ceo.ID)
		require.Contains(t, got.DirectReports, hired.ID)
		require.Equal(t, ts.Now(), got.UpdatedAt)
	})
	t.Run("a hire without a name is a 400", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people",
			map[string]any{"firstName": "X"})
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
	t.Run("an unknown manager is a 404", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people", map[string]any{
			"firstName": "X", "lastName": "Y", "managerId": "nobody"})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
	t.Run("malformed JSON is a 400", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people", "not an object")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
}

func TestControlRoleChange(t *testing.T) {
	ts := newTestSim(t, Options{People: 60, Seed: 22, FullProfiles: true})
	people := ts.People()
	leaf := activeLeaf(t, ts)
	oldManager := currentManager(t, ts, leaf.ID)
	newManager := people[0].ID
	require.NotEqual(t, oldManager, newManager)
	today := civil.DateOf(ts.Now())

	status, body := ts.control(t, http.MethodPost, "/_sim/people/"+leaf.ID+"/role", map[string]any{
		"jobTitle": "Chief of Staff", "managerId": newManager, "effectiveDate": today.String()})
	require.Equal(t, http.StatusCreated, status, string(body))
	row := decodeTo[humaans.JobRole](t, body)
	require.Equal(t, "Chief of Staff", row.JobTitle)

	t.Run("the new row is current and the old one ended", func(t *testing.T) {
		require.Equal(t, newManager, currentManager(t, ts, leaf.ID))
		roles := mustList[humaans.JobRole](t, ts, "job-roles?personId="+leaf.ID)
		for _, r := range roles.Data {
			if r.ID != row.ID {
				require.False(t, r.EndDate.IsZero())
				require.True(t, r.EndDate.Before(today))
			}
		}
		require.NotEmpty(t, row.Department, "an empty department keeps the previous one")
	})
	t.Run("directReports follow the change on both managers", func(t *testing.T) {
		require.Contains(t, mustPerson(t, ts, newManager).DirectReports, leaf.ID)
		require.NotContains(t, mustPerson(t, ts, oldManager).DirectReports, leaf.ID)
	})
	t.Run("the person is not bumped by default", func(t *testing.T) {
		require.Equal(t, leaf.UpdatedAt, mustPerson(t, ts, leaf.ID).UpdatedAt)
	})
	t.Run("the person is bumped when switched on", func(t *testing.T) {
		bumping := newTestSim(t, Options{People: 60, Seed: 22, RoleChangeBumpsPerson: true})
		require.NoError(t, bumping.ChangeRole(leaf.ID, "Lead", "", "", civil.Date{}))
		require.Equal(t, bumping.Now(), mustPerson(t, bumping, leaf.ID).UpdatedAt)
	})
	t.Run("a scheduled change takes effect with the clock", func(t *testing.T) {
		next := today.AddDays(5)
		require.NoError(t, ts.ChangeRole(leaf.ID, "", "", NoManager, next))
		require.Equal(t, newManager, currentManager(t, ts, leaf.ID))
		ts.SetNow(next.In(time.UTC, 9))
		require.Empty(t, currentManager(t, ts, leaf.ID))
		require.NotContains(t, mustPerson(t, ts, newManager).DirectReports, leaf.ID)
	})
	t.Run("unknown people and managers are a 404", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people/nobody/role",
			map[string]any{"jobTitle": "X"})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		status, body = ts.control(t, http.MethodPost, "/_sim/people/"+leaf.ID+"/role",
			map[string]any{"managerId": "nobody"})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func TestControlPersonEdits(t *testing.T) {
	ts := newTestSim(t, Options{People: 40, Seed: 23})
	leaf := activeLeaf(t, ts)
	ts.Advance(time.Hour)

	t.Run("email changes and bumps updatedAt", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people/"+leaf.ID+"/email",
			map[string]any{"email": "new.address@lumenlabs.example"})
		require.Equal(t, http.StatusOK, status, string(body))
		got := mustPerson(t, ts, leaf.ID)
		require.Equal(t, "new.address@lumenlabs.example", got.Email)
		require.Equal(t, ts.Now(), got.UpdatedAt)
		require.True(t, got.UpdatedAt.After(leaf.UpdatedAt))
	})
	t.Run("a patch sets wire fields", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPatch, "/_sim/people/"+leaf.ID, map[string]any{
			"preferredName": "Al", "probationEndDate": "2026-09-01", "isBirthdayHidden": true,
			"teams": []any{map[string]any{"name": "Data"}, "Culture Club"}, "middleName": nil,
		})
		require.Equal(t, http.StatusOK, status, string(body))
		got := mustPerson(t, ts, leaf.ID)
		require.Equal(t, "Al", got.PreferredName)
		require.Equal(t, civil.MustParse("2026-09-01"), got.ProbationEndDate)
		require.True(t, got.IsBirthdayHidden)
		require.Equal(t, []humaans.Team{{Name: "Data"}, {Name: "Culture Club"}}, got.Teams)
		require.Empty(t, got.MiddleName)
	})
	t.Run("a bad patch changes nothing", func(t *testing.T) {
		before := mustPerson(t, ts, leaf.ID)
		for _, patch := range []map[string]any{
			{"preferredName": "Bo", "shoeSize": 44},
			{"preferredName": "Bo", "birthday": "yesterday"},
			{"preferredName": 7},
			{"directReports": []string{}},
			{"status": "retired"},
		} {
			status, body := ts.control(t, http.MethodPatch, "/_sim/people/"+leaf.ID, patch)
			mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		}
		require.Equal(t, before, mustPerson(t, ts, leaf.ID))
	})
	t.Run("a patch can force a status", func(t *testing.T) {
		require.NoError(t, ts.UpdatePerson(leaf.ID, map[string]any{"status": "offboarded"}))
		require.Equal(t, humaans.StatusOffboarded, mustPerson(t, ts, leaf.ID).Status)
		require.NoError(t, ts.UpdatePerson(leaf.ID, map[string]any{"status": nil}))
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, leaf.ID).Status)
	})
	t.Run("edits of unknown people are a 404", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPatch, "/_sim/people/nobody", map[string]any{})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		status, body = ts.control(t, http.MethodPost, "/_sim/people/nobody/email",
			map[string]any{"email": "x@y"})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func TestControlOffboardAndDelete(t *testing.T) {
	ts := newTestSim(t, Options{People: 60, Seed: 24})
	today := civil.DateOf(ts.Now())
	people := ts.People()
	var leaves []humaans.Person
	for _, p := range people[1:] {
		if p.Status == humaans.StatusActive && len(p.DirectReports) == 0 &&
			p.EmploymentEndDate.IsZero() {
			leaves = append(leaves, p)
		}
	}
	require.GreaterOrEqual(t, len(leaves), 3)

	t.Run("offboarding today is immediate", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people/"+leaves[0].ID+"/offboard",
			map[string]any{"lastWorkingDay": today.String()})
		require.Equal(t, http.StatusOK, status, string(body))
		got := decodeTo[humaans.Person](t, body)
		require.Equal(t, humaans.StatusOffboarded, got.Status)
		require.Equal(t, today, got.LastWorkingDay)
		require.Equal(t, today, got.EmploymentEndDate)
	})
	t.Run("offboarding later waits for the day to pass", func(t *testing.T) {
		last := today.AddDays(3)
		require.NoError(t, ts.Offboard(leaves[1].ID, last))
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, leaves[1].ID).Status)
		ts.SetNow(last.In(time.UTC, 23))
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, leaves[1].ID).Status)
		ts.Advance(2 * time.Hour)
		require.Equal(t, humaans.StatusOffboarded, mustPerson(t, ts, leaves[1].ID).Status)
		roles := mustList[humaans.JobRole](t, ts, "job-roles?personId="+leaves[1].ID)
		last2 := roles.Data[len(roles.Data)-1]
		require.Equal(t, last, last2.EndDate)
	})
	t.Run("a deleted person is gone everywhere", func(t *testing.T) {
		victim := leaves[2]
		manager := currentManager(t, ts, victim.ID)
		status, body := ts.control(t, http.MethodDelete, "/_sim/people/"+victim.ID, nil)
		require.Equal(t, http.StatusOK, status)
		require.JSONEq(t, `{"id":"`+victim.ID+`","deleted":true}`, string(body))
		status, body = ts.get(t, "people/"+victim.ID)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		require.Zero(t, mustList[humaans.JobRole](t, ts, "job-roles?personId="+victim.ID).Total)
		values := mustList[humaans.CustomValue](t, ts, "custom-values?personId="+victim.ID)
		require.Zero(t, values.Total)
		require.NotContains(t, mustPerson(t, ts, manager).DirectReports, victim.ID)
		status, body = ts.control(t, http.MethodDelete, "/_sim/people/"+victim.ID, nil)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
	t.Run("offboarding an unknown person is a 404", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/people/nobody/offboard",
			map[string]any{})
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func TestControlCustomValues(t *testing.T) {
	ts := newTestSim(t, Options{People: 20, Seed: 25})
	leaf := activeLeaf(t, ts)
	put := func(field string, value any) (int, []byte) {
		return ts.control(t, http.MethodPut, "/_sim/people/"+leaf.ID+"/custom-values/"+field,
			map[string]any{"value": value})
	}
	valueOf := func(fieldName string) (humaans.CustomValue, bool) {
		fields := mustList[humaans.CustomField](t, ts, "custom-fields?name="+
			urlEscape(fieldName))
		require.Len(t, fields.Data, 1)
		env := mustList[humaans.CustomValue](t, ts, "custom-values?personId="+leaf.ID+
			"&customFieldId="+fields.Data[0].ID)
		if len(env.Data) == 0 {
			return humaans.CustomValue{}, false
		}
		require.Len(t, env.Data, 1)
		return env.Data[0], true
	}

	t.Run("a scalar value is created or replaced", func(t *testing.T) {
		status, body := put("Laptop Serial", "LL-TEST0001")
		require.Equal(t, http.StatusOK, status, string(body))
		v, ok := valueOf("Laptop Serial")
		require.True(t, ok)
		require.Equal(t, humaans.Value{Items: []string{"LL-TEST0001"}}, v.Value)
		require.Equal(t, ts.Now(), v.UpdatedAt)
	})
	t.Run("a list value round-trips", func(t *testing.T) {
		status, _ := put("cost center", []string{"R&D", "COGS"})
		require.Equal(t, http.StatusOK, status)
		v, ok := valueOf("Cost Center")
		require.True(t, ok)
		require.Equal(t, humaans.Value{Items: []string{"R&D", "COGS"}, List: true}, v.Value)
	})
	t.Run("null removes the value", func(t *testing.T) {
		status, _ := put("Laptop Serial", nil)
		require.Equal(t, http.StatusOK, status)
		_, ok := valueOf("Laptop Serial")
		require.False(t, ok)
	})
	t.Run("bad values and unknown fields are refused", func(t *testing.T) {
		status, body := put("Laptop Serial", 42)
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		status, body = put("Laptop Serial", []any{"a", 1})
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		status, body = put("Shoe Size", "44")
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func TestControlClock(t *testing.T) {
	ts := newTestSim(t, Options{People: 5})
	clock := func(status int, body []byte) time.Time {
		t.Helper()
		require.Equal(t, http.StatusOK, status, string(body))
		got := decodeTo[map[string]string](t, body)
		at, err := time.Parse(time.RFC3339Nano, got["now"])
		require.NoError(t, err)
		return at
	}

	require.Equal(t, DefaultNow, clock(ts.control(t, http.MethodGet, "/_sim/clock", nil)))
	at := clock(ts.control(t, http.MethodPost, "/_sim/clock", map[string]any{"advance": "36h"}))
	require.Equal(t, DefaultNow.Add(36*time.Hour), at)
	at = clock(ts.control(t, http.MethodPost, "/_sim/clock",
		map[string]any{"now": "2027-01-01T00:00:00Z"}))
	require.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), at)
	require.Equal(t, at, ts.Now())
	for _, bad := range []map[string]any{
		{}, {"now": "tomorrow"}, {"advance": "a while"},
		{"now": "2027-01-01T00:00:00Z", "advance": "1h"},
	} {
		status, body := ts.control(t, http.MethodPost, "/_sim/clock", bad)
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	}
}

func TestControlFaultsTokensAndCounts(t *testing.T) {
	ts := newTestSim(t, Options{People: 5})

	t.Run("a fault posted as JSON applies", func(t *testing.T) {
		status, body := ts.control(t, http.MethodPost, "/_sim/faults", map[string]any{
			"route": "people", "kind": "latency", "delay": "10ms", "times": 1})
		require.Equal(t, http.StatusCreated, status, string(body))
		status, body = ts.control(t, http.MethodPost, "/_sim/faults", map[string]any{
			"route": "people", "kind": "server-error", "status": 503})
		require.Equal(t, http.StatusCreated, status, string(body))
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusOK, status, "the latency fault came first")
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusServiceUnavailable, status)
		status, _ = ts.control(t, http.MethodDelete, "/_sim/faults", nil)
		require.Equal(t, http.StatusOK, status)
		status, _ = ts.get(t, "people")
		require.Equal(t, http.StatusOK, status)
	})
	t.Run("bad faults are a 400", func(t *testing.T) {
		for _, bad := range []map[string]any{
			{"route": "people", "kind": "gremlins"},
			{"kind": "rate-limit"},
			{"route": "people", "kind": "latency", "delay": "soon"},
			{"route": "people", "kind": "server-error", "status": 404},
			{"route": "people", "kind": "rate-limit", "times": -1},
		} {
			status, body := ts.control(t, http.MethodPost, "/_sim/faults", bad)
			mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		}
	})
	t.Run("tokens are added and revoked", func(t *testing.T) {
		status, _ := ts.control(t, http.MethodPost, "/_sim/tokens", map[string]any{
			"token": "ctl-token", "scopes": []string{"public:read"}})
		require.Equal(t, http.StatusCreated, status)
		info := mustTokenInfo(t, ts, "ctl-token")
		require.Equal(t, []string{"public:read"}, info.Scopes)
		status, _ = ts.control(t, http.MethodDelete, "/_sim/tokens/ctl-token", nil)
		require.Equal(t, http.StatusOK, status)
		status, _ = ts.getWith(t, "ctl-token", "people")
		require.Equal(t, http.StatusUnauthorized, status)
		status, body := ts.control(t, http.MethodDelete, "/_sim/tokens/ctl-token", nil)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		status, body = ts.control(t, http.MethodPost, "/_sim/tokens", map[string]any{})
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
	t.Run("request counts and the snapshot are served", func(t *testing.T) {
		before := ts.Requests("companies")
		ts.get(t, "companies")
		status, body := ts.control(t, http.MethodGet, "/_sim/requests/companies", nil)
		require.Equal(t, http.StatusOK, status)
		require.JSONEq(t, `{"route":"companies","count":`+itoa(before+1)+`}`, string(body))
		status, body = ts.control(t, http.MethodGet, "/_sim/people", nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, ts.People(), decodeTo[[]humaans.Person](t, body))
	})
	t.Run("unknown control paths are a 404", func(t *testing.T) {
		status, body := ts.control(t, http.MethodGet, "/_sim/nothing", nil)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		status, body = ts.control(t, http.MethodGet, "/elsewhere", nil)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
	})
}

func mustTokenInfo(t *testing.T, ts *testSim, token string) humaans.TokenInfo {
	t.Helper()
	status, body := ts.getWith(t, token, "token-info")
	require.Equal(t, http.StatusOK, status, string(body))
	return decodeTo[humaans.TokenInfo](t, body)
}
