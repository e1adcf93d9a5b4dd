package humaanssim

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

var listRoutes = []string{
	"people", "job-roles", "locations", "companies", "custom-fields", "custom-values",
}

// dump returns the raw first pages of every list route.
func dump(t *testing.T, ts *testSim) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, route := range listRoutes {
		for skip := 0; skip < 1000; skip += 250 {
			status, body := ts.get(t, route+"?$limit=250&$skip="+itoa(skip))
			require.Equal(t, 200, status)
			out[route+itoa(skip)] = string(body)
		}
	}
	return out
}

func TestDeterminism(t *testing.T) {
	a := newTestSim(t, Options{People: 300, Seed: 42})
	b := newTestSim(t, Options{People: 300, Seed: 42})
	c := newTestSim(t, Options{People: 300, Seed: 43})

	t.Run("the same seed serves byte-identical JSON", func(t *testing.T) {
		require.Equal(t, dump(t, a), dump(t, b))
		require.Equal(t, a.Token(), b.Token())
	})
	t.Run("another seed serves another company", func(t *testing.T) {
		da, dc := dump(t, a), dump(t, c)
		for _, route := range listRoutes {
			require.NotEqual(t, da[route+"0"], dc[route+"0"], route)
		}
	})
	t.Run("hires after start get the same ids on both", func(t *testing.T) {
		ida, err := a.Hire(NewPerson{FirstName: "Same", LastName: "Id"})
		require.NoError(t, err)
		idb, err := b.Hire(NewPerson{FirstName: "Same", LastName: "Id"})
		require.NoError(t, err)
		require.Equal(t, ida, idb)
	})
}

func TestGeneratedCompany(t *testing.T) {
	s, err := New(Options{People: 600, Seed: 7})
	require.NoError(t, err)
	people := s.People()
	roles := s.JobRoles()
	today := civil.DateOf(s.Now())
	byID := map[string]humaans.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	rowsOf := map[string][]humaans.JobRole{}
	for _, r := range roles {
		rowsOf[r.PersonID] = append(rowsOf[r.PersonID], r)
	}
	current := func(id string) humaans.JobRole {
		var best humaans.JobRole
		for _, r := range rowsOf[id] {
			if !r.EffectiveDate.After(today) && (r.EndDate.IsZero() || !r.EndDate.Before(today)) &&
				(best.ID == "" || !r.EffectiveDate.Before(best.EffectiveDate)) {
				best = r
			}
		}
		return best
	}

	t.Run("ids are unique 24-character alphanumerics", func(t *testing.T) {
		seen := map[string]bool{}
		check := func(id string) {
			require.Regexp(t, `^[A-Za-z0-9]{24}$`, id)
			require.False(t, seen[id], id)
			seen[id] = true
		}
		for _, p := range people {
			check(p.ID)
		}
		for _, r := range roles {
			check(r.ID)
		}
	})
	t.Run("every active chain reaches the one CEO", func(t *testing.T) {
		ceo := people[0]
		require.Empty(t, current(ceo.ID).ReportingTo)
		for _, p := range people {
			if p.Status != humaans.StatusActive {
				continue
			}
			id := p.ID
			for steps := 0; id != ceo.ID; steps++ {
				require.Less(t, steps, 20, "chain too long from %s", p.ID)
				m := current(id).ReportingTo
				require.NotEmpty(t, m, "%s has no manager", id)
				require.Equal(t, humaans.StatusActive, byID[m].Status)
				id = m
			}
		}
	})
	t.Run("spans of control look real", func(t *testing.T) {
		spans := 0
		total := 0
		for _, p := range people {
			if n := len(p.DirectReports); n > 0 {
				require.LessOrEqual(t, n, 8)
				spans++
				total += n
			}
		}
		require.GreaterOrEqual(t, float64(total)/float64(spans), 3.0)
	})
	t.Run("directReports match current reportingTo", func(t *testing.T) {
		for _, p := range people {
			for _, id := range p.DirectReports {
				r := current(id)
				if r.ID == "" {
					require.Equal(t, humaans.StatusNewHire, byID[id].Status)
					continue
				}
				require.Equal(t, p.ID, r.ReportingTo)
			}
		}
	})
	t.Run("statuses come in realistic shares", func(t *testing.T) {
		counts := map[humaans.Status]int{}
		for _, p := range people {
			counts[p.Status]++
			switch p.Status {
			case humaans.StatusNewHire:
				days := daysBetween(today, p.EmploymentStartDate)
				require.True(t, days >= 1 && days <= 60, "start in %d days", days)
				require.Len(t, rowsOf[p.ID], 1)
				require.Equal(t, p.EmploymentStartDate, rowsOf[p.ID][0].EffectiveDate)
			case humaans.StatusOffboarded:
				require.True(t, p.LastWorkingDay.Before(today))
			}
		}
		require.Equal(t, 30, counts[humaans.StatusNewHire])
		require.Equal(t, 30, counts[humaans.StatusOffboarded])
	})
	t.Run("the special cases are present", func(t *testing.T) {
		var noEmail, leap, hidden, remote, ending, probation int
		emails := map[string]bool{}
		contracts := map[string]bool{}
		for _, p := range people {
			contracts[p.ContractType] = true
			if p.Email == "" {
				noEmail++
			} else {
				require.False(t, emails[strings.ToLower(p.Email)], p.Email)
				emails[strings.ToLower(p.Email)] = true
			}
			if p.Birthday.Month == time.February && p.Birthday.Day == 29 {
				leap++
			}
			if p.IsBirthdayHidden {
				hidden++
			}
			if p.RemoteTimezone != "" {
				remote++
				require.Equal(t, p.RemoteTimezone, p.Timezone)
			}
			if p.Status == humaans.StatusActive && !p.LastWorkingDay.IsZero() {
				ending++
				require.True(t, p.LastWorkingDay.After(today))
			}
			if !p.ProbationEndDate.IsZero() {
				probation++
			}
		}
		require.Equal(t, 6, noEmail)
		require.GreaterOrEqual(t, leap, 2)
		require.Positive(t, hidden)
		require.Positive(t, remote)
		require.Positive(t, ending)
		require.Positive(t, probation)
		for _, c := range []string{"fullTime", "partTime", "contractor", "intern"} {
			require.True(t, contracts[c], c)
		}
	})
	t.Run("job role histories vary", func(t *testing.T) {
		lengths := map[int]int{}
		future := 0
		for id, rows := range rowsOf {
			lengths[len(rows)]++
			for _, r := range rows {
				if r.EffectiveDate.After(today) && byID[id].Status == humaans.StatusActive {
					future++
				}
			}
		}
		require.Positive(t, lengths[2])
		require.Positive(t, lengths[3])
		require.Positive(t, future, "some active people have a scheduled change")
	})
	t.Run("locations straddle UTC and companies are several", func(t *testing.T) {
		require.GreaterOrEqual(t, len(s.companies), 2)
		require.GreaterOrEqual(t, len(s.locations), 4)
		east, west := false, false
		for _, l := range s.locations {
			loc, err := time.LoadLocation(l.timezone)
			require.NoError(t, err)
			_, offset := s.Now().In(loc).Zone()
			east = east || offset > 0
			west = west || offset < 0
		}
		require.True(t, east && west)
	})
	t.Run("timestamps never pass the clock", func(t *testing.T) {
		for _, p := range people {
			require.False(t, p.CreatedAt.After(s.Now()))
			require.False(t, p.UpdatedAt.Before(p.CreatedAt))
			require.False(t, p.UpdatedAt.After(s.Now()))
		}
	})
}

func TestSmallCompanies(t *testing.T) {
	for _, n := range []int{1, 2, 5, 12} {
		t.Run("a company of "+itoa(n), func(t *testing.T) {
			s, err := New(Options{People: n, Seed: int64(n)})
			require.NoError(t, err)
			require.Len(t, s.People(), n)
			require.Equal(t, humaans.StatusActive, s.People()[0].Status)
		})
	}
	t.Run("the default size is 50", func(t *testing.T) {
		s, err := New(Options{})
		require.NoError(t, err)
		require.Len(t, s.People(), defaultPeople)
	})
}
