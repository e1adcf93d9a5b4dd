package humaanssim

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// allPeople pages through /people with the given filter query.
func allPeople(t *testing.T, ts *testSim, filter string) []humaans.Person {
	t.Helper()
	var out []humaans.Person
	for skip := 0; ; skip += 250 {
		env := mustList[humaans.Person](t, ts, "people?$limit=250&$skip="+itoa(skip)+"&"+filter)
		out = append(out, env.Data...)
		if len(env.Data) == 0 || skip+len(env.Data) >= env.Total {
			require.Len(t, out, env.Total)
			return out
		}
	}
}

func idsOf(people []humaans.Person) []string {
	ids := make([]string, 0, len(people))
	for _, p := range people {
		ids = append(ids, p.ID)
	}
	return ids
}

// wantPeople returns the ids of the snapshot's people that keep accepts, in order.
func wantPeople(ts *testSim, keep func(humaans.Person) bool) []string {
	var ids []string
	for _, p := range ts.People() {
		if keep(p) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

func everyone(humaans.Person) bool { return true }

func TestPeopleFilters(t *testing.T) {
	ts := newTestSim(t, Options{People: 400, Seed: 11})
	people := ts.People()
	withStatus := func(ss ...humaans.Status) func(humaans.Person) bool {
		return func(p humaans.Person) bool { return slices.Contains(ss, p.Status) }
	}
	someone := people[37]
	cutoff := people[200].UpdatedAt
	cases := []struct {
		name, query string
		keep        func(humaans.Person) bool
	}{
		{"status equality", "status=newHire", withStatus(humaans.StatusNewHire)},
		{"status $in with [] arrays", "status[$in][]=newHire&status[$in][]=offboarded",
			withStatus(humaans.StatusNewHire, humaans.StatusOffboarded)},
		{"status $in with indexed arrays", "status[$in][0]=active&status[$in][1]=newHire",
			withStatus(humaans.StatusActive, humaans.StatusNewHire)},
		{"status $nin", "status[$nin][]=active",
			withStatus(humaans.StatusNewHire, humaans.StatusOffboarded)},
		{"email", "email=" + url.QueryEscape(someone.Email),
			func(p humaans.Person) bool { return p.Email == someone.Email }},
		{"email null", "email=null", func(p humaans.Person) bool { return p.Email == "" }},
		{"locationId", "locationId=" + someone.LocationID,
			func(p humaans.Person) bool { return p.LocationID == someone.LocationID }},
		{"teams by name", "teams=Platform", func(p humaans.Person) bool {
			return slices.Contains(p.Teams, humaans.Team{Name: "Platform"})
		}},
		{"updatedAt $gte with milliseconds", "updatedAt[$gte]=" + cutoff.Format(stampLayout),
			func(p humaans.Person) bool { return !p.UpdatedAt.Before(cutoff) }},
		{"updatedAt $gte as RFC 3339", "updatedAt[$gte]=" +
			url.QueryEscape(cutoff.Format(time.RFC3339Nano)),
			func(p humaans.Person) bool { return !p.UpdatedAt.Before(cutoff) }},
		{"id $in", "id[$in][]=" + people[3].ID + "&id[$in][]=" + people[9].ID,
			func(p humaans.Person) bool { return p.ID == people[3].ID || p.ID == people[9].ID }},
		{"start date range",
			"employmentStartDate[$gt]=2024-01-01&employmentStartDate[$lte]=2025-01-01",
			func(p humaans.Person) bool {
				d := p.EmploymentStartDate
				return d.After(civil.MustParse("2024-01-01")) &&
					!d.After(civil.MustParse("2025-01-01"))
			}},
		{"$lt on dates", "employmentStartDate[$lt]=2020-01-01", func(p humaans.Person) bool {
			return p.EmploymentStartDate.Before(civil.MustParse("2020-01-01"))
		}},
		{"combined filters", "status=active&contractType=partTime", func(p humaans.Person) bool {
			return p.Status == humaans.StatusActive && p.ContractType == "partTime"
		}},
		{"an unknown filter is ignored", "favouriteColour=blue", everyone},
		{"an unknown $ parameter is ignored", "$select[]=id", everyone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := wantPeople(ts, c.keep)
			require.NotEmpty(t, want, "the case must select someone")
			require.Equal(t, want, idsOf(allPeople(t, ts, c.query)))
		})
	}
	t.Run("filters shrink the total", func(t *testing.T) {
		env := mustList[humaans.Person](t, ts, "people?status=offboarded&$limit=1")
		require.Equal(t, len(wantPeople(ts, withStatus(humaans.StatusOffboarded))), env.Total)
		require.Len(t, env.Data, 1)
	})
}

func TestSorting(t *testing.T) {
	ts := newTestSim(t, Options{People: 120, Seed: 4})

	t.Run("ascending by a field", func(t *testing.T) {
		got := allPeople(t, ts, "$sort[employmentStartDate]=1")
		require.True(t, sort.SliceIsSorted(got, func(i, j int) bool {
			return got[i].EmploymentStartDate.Before(got[j].EmploymentStartDate)
		}))
	})
	t.Run("descending with a tie breaker", func(t *testing.T) {
		got := allPeople(t, ts, "$sort[lastName]=-1&$sort[firstName]=1")
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			require.GreaterOrEqual(t, a.LastName, b.LastName)
			if a.LastName == b.LastName {
				require.LessOrEqual(t, a.FirstName, b.FirstName)
			}
		}
	})
	t.Run("a bad direction is a 400", func(t *testing.T) {
		status, body := ts.get(t, "people?$sort[lastName]=up")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
}

func TestJobRoleQueries(t *testing.T) {
	ts := newTestSim(t, Options{People: 200, Seed: 5})
	roles := ts.JobRoles()
	today := civil.DateOf(ts.Now())

	t.Run("personId selects one person's history", func(t *testing.T) {
		pid := roles[len(roles)-1].PersonID
		env := mustList[humaans.JobRole](t, ts, "job-roles?personId="+pid)
		require.NotEmpty(t, env.Data)
		for _, r := range env.Data {
			require.Equal(t, pid, r.PersonID)
		}
	})
	t.Run("$asOf gives the single row in force per person", func(t *testing.T) {
		var got []humaans.JobRole
		for skip := 0; ; skip += 250 {
			env := mustList[humaans.JobRole](t, ts, "job-roles?$limit=250&$asOf="+today.String()+
				"&$skip="+itoa(skip))
			got = append(got, env.Data...)
			if skip+len(env.Data) >= env.Total {
				break
			}
		}
		perPerson := map[string]int{}
		for _, r := range got {
			perPerson[r.PersonID]++
			require.False(t, r.EffectiveDate.After(today))
			require.True(t, r.EndDate.IsZero() || !r.EndDate.Before(today))
		}
		for pid, n := range perPerson {
			require.Equal(t, 1, n, pid)
		}
		active := 0
		for _, p := range ts.People() {
			if p.Status == humaans.StatusActive {
				active++
				require.Contains(t, perPerson, p.ID, "every active person has a current role")
			}
		}
		require.GreaterOrEqual(t, len(perPerson), active)
	})
	t.Run("$asOf in the future picks scheduled changes", func(t *testing.T) {
		later := today.AddDays(60)
		var scheduled humaans.JobRole
		for _, r := range roles {
			if r.EffectiveDate.After(today) && !r.EffectiveDate.After(later) {
				scheduled = r
				break
			}
		}
		require.NotEmpty(t, scheduled.ID, "the company has a scheduled change")
		env := mustList[humaans.JobRole](t, ts, "job-roles?personId="+scheduled.PersonID+
			"&$asOf="+later.String())
		require.Len(t, env.Data, 1)
		require.Equal(t, scheduled.ID, env.Data[0].ID)
	})
	t.Run("a malformed $asOf is a 400", func(t *testing.T) {
		status, body := ts.get(t, "job-roles?$asOf=yesterday")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
	})
}

func TestCustomValueQueries(t *testing.T) {
	ts := newTestSim(t, Options{People: 100, Seed: 6})
	fields := mustList[humaans.CustomField](t, ts, "custom-fields")
	require.GreaterOrEqual(t, len(fields.Data), 5)
	types := map[string]bool{}
	for _, f := range fields.Data {
		types[f.Type] = true
	}
	for _, want := range []string{"text", "singleChoice", "multipleChoices", "date", "link"} {
		require.True(t, types[want], want)
	}

	t.Run("customFieldId and personId filter the values", func(t *testing.T) {
		f := fields.Data[0]
		env := mustList[humaans.CustomValue](t, ts, "custom-values?$limit=250&customFieldId="+f.ID)
		require.NotEmpty(t, env.Data)
		for _, v := range env.Data {
			require.Equal(t, f.ID, v.CustomFieldID)
		}
		pid := env.Data[0].PersonID
		mine := mustList[humaans.CustomValue](t, ts, "custom-values?personId="+pid)
		for _, v := range mine.Data {
			require.Equal(t, pid, v.PersonID)
		}
		require.Contains(t, mine.Data, env.Data[0])
	})
	t.Run("some values are lists", func(t *testing.T) {
		env := mustList[humaans.CustomValue](t, ts, "custom-values?$limit=250")
		lists := 0
		for _, v := range env.Data {
			if v.Value.List {
				lists++
			}
		}
		require.Positive(t, lists)
	})
}

func TestStrictnessSwitches(t *testing.T) {
	t.Run("unknown parameters are a 400 when rejected", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 10, RejectUnknownParams: true})
		for _, q := range []string{"favouriteColour=blue", "$select[]=id", "$sort[nothing]=1"} {
			status, body := ts.get(t, "people?"+q)
			mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		}
		mustList[humaans.Person](t, ts, "people?status=active")
	})
	t.Run("an over-limit page is a 400 when rejected", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 10, RejectOverLimit: true})
		status, body := ts.get(t, "people?$limit=251")
		mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		require.Equal(t, 250, mustList[humaans.Person](t, ts, "people?$limit=250").Limit)
	})
	t.Run("people default to active only when switched", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 200, Seed: 8, DefaultStatusActiveOnly: true})
		got := allPeople(t, ts, "")
		for _, p := range got {
			require.Equal(t, humaans.StatusActive, p.Status)
		}
		pre := allPeople(t, ts, "status=newHire")
		require.NotEmpty(t, pre)
		all := allPeople(t, ts,
			"status[$in][]=active&status[$in][]=newHire&status[$in][]=offboarded")
		require.Len(t, all, 200)
	})
	t.Run("a malformed filter is a 400", func(t *testing.T) {
		ts := newTestSim(t, Options{People: 10})
		for _, q := range []string{"status[$regex]=a", "status[$in][a][b]=x", "status=%zz"} {
			status, body := ts.get(t, "people?"+q)
			mustError(t, http.StatusBadRequest, "BadRequest", status, body)
		}
	})
}

func TestSplitKey(t *testing.T) {
	cases := map[string][]string{
		"status":          nil,
		"status[$in][]":   {"$in", ""},
		"status[$in][0]":  {"$in", "0"},
		"$sort[lastName]": {"lastName"},
	}
	for key, want := range cases {
		t.Run(key, func(t *testing.T) {
			name, path := splitKey(key)
			require.Equal(t, strings.SplitN(key, "[", 2)[0], name)
			require.Equal(t, want, path)
		})
	}
}
