package hrsync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

func role(id, effective, end string) humaans.JobRole {
	r := humaans.JobRole{ID: id, EffectiveDate: civil.MustParse(effective)}
	if end != "" {
		r.EndDate = civil.MustParse(end)
	}
	return r
}

func TestCurrentRole(t *testing.T) {
	today := civil.MustParse("2026-06-01")
	history := []humaans.JobRole{
		role("old", "2020-01-01", "2023-12-31"),
		role("now", "2024-01-01", ""),
		role("next", "2026-09-01", ""),
	}
	cases := []struct {
		name     string
		roles    []humaans.JobRole
		fallback roleChoice
		want     string
	}{
		{"the latest started role", history, currentOnly, "now"},
		{"a role starting today is current", []humaans.JobRole{
			role("a", "2020-01-01", "2026-05-31"), role("b", "2026-06-01", "")}, currentOnly, "b"},
		{"a role ending today is still current", []humaans.JobRole{
			role("a", "2020-01-01", "2026-06-01")}, currentOnly, "a"},
		{"an ended role is not current", []humaans.JobRole{
			role("a", "2020-01-01", "2026-05-31")}, currentOnly, ""},
		{"a pre-hire takes the earliest future role", []humaans.JobRole{
			role("later", "2026-09-01", ""), role("first", "2026-07-01", "")}, orFirstFuture, "first"},
		{"a leaver keeps the role they left in", []humaans.JobRole{
			role("a", "2020-01-01", "2022-01-01"), role("b", "2022-01-02", "2026-05-01")},
			orLastPast, "b"},
		{"no roles", nil, orFirstFuture, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := currentRole(c.roles, today, c.fallback)
			if c.want == "" {
				require.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			require.Equal(t, c.want, got.ID)
		})
	}

	t.Run("same-day rows go to the one created last", func(t *testing.T) {
		a := role("a", "2025-01-01", "")
		b := role("b", "2025-01-01", "")
		a.CreatedAt = time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
		b.CreatedAt = a.CreatedAt.Add(time.Hour)
		require.Equal(t, "b", currentRole([]humaans.JobRole{b, a}, today, currentOnly).ID)
	})
}

func TestFindLoops(t *testing.T) {
	loops := findLoops(map[string]string{
		"ceo": "",
		"a":   "b", "b": "c", "c": "a", // a three-person loop
		"d": "a", // reports into the loop, not on it
		"s": "s", // reports to themselves
		"x": "gone",
	})
	require.ElementsMatch(t, [][]string{{"a", "b", "c"}, {"s"}}, loops)
	require.Empty(t, findLoops(map[string]string{"a": "b", "b": "ceo", "ceo": ""}))
}

// hash digests r with a hasher of its own.
func (r *record) hash() string {
	var h hasher
	return h.sum(r)
}

func TestRecordHashCoversEverySyncedValue(t *testing.T) {
	base := record{ID: "p1", WorkEmail: "a@b.test", Teams: []string{"x"},
		Custom: customValues{{DefID: "f1", Value: "v"}}}
	h := base.hash()
	require.Equal(t, h, base.hash(), "stable")
	mutations := map[string]func(r *record){
		"name":       func(r *record) { r.FirstName = "A" },
		"teams":      func(r *record) { r.Teams = []string{"x", "y"} },
		"birthday":   func(r *record) { r.DateOfBirth = civil.MustParse("2000-02-29") },
		"departed":   func(r *record) { r.Departed = true },
		"manager":    func(r *record) { r.ManagerID = "m" },
		"custom":     func(r *record) { r.Custom = customValues{{DefID: "f1", Value: "w"}} },
		"list value": func(r *record) { r.Custom = customValues{{DefID: "f1", Value: "v", List: true}} },
		"field":      func(r *record) { r.Custom = customValues{{DefID: "f2", Value: "v"}} },
		"shifted":    func(r *record) { r.FirstName, r.LastName = "", "A" },
	}
	for name, mutate := range mutations {
		r := base
		mutate(&r)
		require.NotEqual(t, h, r.hash(), name)
	}
}

func TestCompareNamesChangedFields(t *testing.T) {
	old := record{JobTitle: "A", DateOfBirth: civil.MustParse("1990-01-01"),
		Custom: customValues{{DefID: "f1", Value: "x"}, {DefID: "f3", Value: "same"}}}
	cur := record{JobTitle: "B", DateOfBirth: civil.MustParse("1991-01-01"),
		Custom: customValues{{DefID: "f2", Value: "y"}, {DefID: "f3", Value: "same"}}}
	got := compare(&old, &cur, map[string]string{"f1": "Shirt", "f2": "Pet"})
	require.Equal(t, []change{
		{Field: "jobTitle", From: "A", To: "B"},
		{Field: "dateOfBirth"},
		{Field: "customFields.Shirt", From: "x"},
		{Field: "customFields.Pet", To: "y"},
	}, got, "private values are left out")
}

func TestRolesByPerson(t *testing.T) {
	t.Run("each person gets exactly their rows as a window of one slice", func(t *testing.T) {
		roles := []humaans.JobRole{
			{ID: "r3", PersonID: "b"}, {ID: "r1", PersonID: "a"},
			{ID: "r4", PersonID: "b"}, {ID: "r2", PersonID: "a"}, {ID: "r5", PersonID: "c"},
		}
		got := rolesByPerson(roles)
		require.Len(t, got, 3)
		ids := func(rs []humaans.JobRole) []string {
			out := make([]string, len(rs))
			for i, r := range rs {
				out[i] = r.ID
			}
			return out
		}
		require.Equal(t, []string{"r1", "r2"}, ids(got["a"]))
		require.Equal(t, []string{"r3", "r4"}, ids(got["b"]))
		require.Equal(t, []string{"r5"}, ids(got["c"]))
		require.Same(t, &roles[0], &got["a"][0], "rows are not copied")
		require.Equal(t, 2, cap(got["a"]), "a window cannot grow into the next person")
	})
	t.Run("no roles give an empty map", func(t *testing.T) {
		require.Empty(t, rolesByPerson(nil))
	})
}
