package humaanssim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

const smallFixture = "testdata/fixture-small.json"

func TestFixture(t *testing.T) {
	ts := newTestSim(t, Options{Fixture: smallFixture, People: 999, Token: "fx", FullProfiles: true})
	people := allPeople(t, ts, "")
	byName := map[string]humaans.Person{}
	for _, p := range people {
		byName[p.FirstName] = p
	}

	t.Run("the fixture replaces the generated company", func(t *testing.T) {
		require.Len(t, people, 7)
		require.Len(t, mustList[humaans.Company](t, ts, "companies").Data, 2)
		require.Len(t, mustList[humaans.Location](t, ts, "locations").Data, 2)
		require.Len(t, mustList[humaans.JobRole](t, ts, "job-roles").Data, 8)
		require.Len(t, mustList[humaans.CustomField](t, ts, "custom-fields").Data, 2)
		require.Len(t, mustList[humaans.CustomValue](t, ts, "custom-values").Data, 3)
	})
	t.Run("records keep their wire values", func(t *testing.T) {
		k := byName["Katherine"]
		require.Equal(t, "FixPerson000000000000003", k.ID)
		require.Equal(t, civil.MustParse("1992-02-29"), k.Birthday)
		require.Equal(t, "2019-02-01T09:30:00Z", k.CreatedAt.Format("2006-01-02T15:04:05Z07:00"))
		require.Empty(t, byName["Tim"].Email)
		require.Equal(t, "Europe/Lisbon", byName["Tim"].RemoteTimezone)
		values := mustList[humaans.CustomValue](t, ts, "custom-values?personId="+byName["Alan"].ID)
		require.Equal(t, humaans.Value{Items: []string{"R&D", "COGS"}, List: true},
			values.Data[0].Value)
	})
	t.Run("statuses and direct reports are derived", func(t *testing.T) {
		require.Equal(t, humaans.StatusNewHire, byName["Linus"].Status)
		require.Equal(t, humaans.StatusOffboarded, byName["Marie"].Status)
		require.Equal(t, humaans.StatusOffboarded, byName["Hedy"].Status,
			"a fixture status is kept")
		require.ElementsMatch(t, []string{byName["Katherine"].ID, byName["Linus"].ID,
			byName["Tim"].ID}, byName["Alan"].DirectReports)
	})
	t.Run("the first person owns the token", func(t *testing.T) {
		require.Equal(t, byName["Grace"].ID, mustTokenInfo(t, ts, "fx").PersonID)
	})
	t.Run("the clock flips fixture people too", func(t *testing.T) {
		ts.SetNow(civil.MustParse("2026-06-15").In(mustZone(t, "UTC"), 9))
		require.Equal(t, humaans.StatusActive, mustPerson(t, ts, byName["Linus"].ID).Status)
	})
}

func TestFixtureErrors(t *testing.T) {
	write := func(t *testing.T, body string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "fixture.json")
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		return path
	}
	cases := map[string]string{
		"a missing file":         "",
		"malformed JSON":         "{",
		"a person without an id": `{"people":[{"firstName":"A"}]}`,
		"a duplicate person":     `{"people":[{"id":"a"},{"id":"a"}]}`,
		"a role of nobody":       `{"jobRoles":[{"id":"r","personId":"x"}]}`,
		"a value of an unknown field": `{"people":[{"id":"a"}],` +
			`"customValues":[{"id":"v","personId":"a","customFieldId":"f","value":"x"}]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "absent.json")
			if body != "" {
				path = write(t, body)
			}
			_, err := New(Options{Fixture: path})
			require.Error(t, err)
		})
	}
}
