package humaans

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

func TestValueUnmarshalJSON(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Value
		str  string
	}{
		{"a string is a scalar", `"R&D"`, Value{Items: []string{"R&D"}}, "R&D"},
		{"a list keeps its order", `["a","b"]`, Value{Items: []string{"a", "b"}, List: true},
			"a, b"},
		{"an empty list is a list", `[]`, Value{Items: []string{}, List: true}, ""},
		{"null is empty", `null`, Value{}, ""},
		{"a number keeps its text", `42.5`, Value{Items: []string{"42.5"}}, "42.5"},
		{"a boolean keeps its text", `true`, Value{Items: []string{"true"}}, "true"},
		{"nested lists flatten", `["a",["b","c"]]`,
			Value{Items: []string{"a", "b", "c"}, List: true}, "a, b, c"},
		{"a list of one is still a list", `["x"]`, Value{Items: []string{"x"}, List: true}, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v Value
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			require.Equal(t, tc.want, v)
			require.Equal(t, tc.str, v.String())
		})
	}

	t.Run("an object is refused", func(t *testing.T) {
		var v Value
		require.Error(t, json.Unmarshal([]byte(`{"a":1}`), &v))
	})
}

func TestValueMarshalJSONRoundTrips(t *testing.T) {
	for _, in := range []string{`"x"`, `["a","b"]`, `[]`, `null`} {
		var v Value
		require.NoError(t, json.Unmarshal([]byte(in), &v))
		out, err := json.Marshal(v)
		require.NoError(t, err)
		require.JSONEq(t, in, string(out))
	}
}

func TestCustomValueIgnoresUnknownFields(t *testing.T) {
	in := `{"id":"v1","personId":"p1","customFieldId":"f1","resourceId":null,
		"value":["R&D","Ops"],"extra":{"deep":[1,2]},"createdAt":"2020-01-28T08:44:42.000Z"}`
	var cv CustomValue
	require.NoError(t, json.Unmarshal([]byte(in), &cv))
	require.Equal(t, "p1", cv.PersonID)
	require.True(t, cv.Value.List)
	require.Equal(t, []string{"R&D", "Ops"}, cv.Value.Items)
	require.Equal(t, 2020, cv.CreatedAt.Year())
}

func TestPersonDecodesDatesAsCalendarDates(t *testing.T) {
	in := `{"id":"p1","birthday":"1992-02-29","employmentStartDate":"2026-06-15",
		"employmentEndDate":null,"lastWorkingDay":"","profilePhoto":{"variants":{"64":"u"}}}`
	var p Person
	require.NoError(t, json.Unmarshal([]byte(in), &p))
	require.Equal(t, civil.MustParse("1992-02-29"), p.Birthday)
	require.Equal(t, civil.MustParse("2026-06-15"), p.EmploymentStartDate)
	require.True(t, p.EmploymentEndDate.IsZero())
	require.True(t, p.LastWorkingDay.IsZero())
}

func TestTokenInfoUnmarshalJSON(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want TokenInfo
	}{
		{"a list of scopes", `{"scopes":["public:read","private:read"],"personId":"p1"}`,
			TokenInfo{Scopes: []string{"public:read", "private:read"}, PersonID: "p1"}},
		{"a space separated string", `{"scopes":"public:read private:read"}`,
			TokenInfo{Scopes: []string{"public:read", "private:read"}}},
		{"a comma separated string", `{"scopes":"public:read,webhooks:manage"}`,
			TokenInfo{Scopes: []string{"public:read", "webhooks:manage"}}},
		{"no scopes at all", `{"personId":null}`, TokenInfo{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got TokenInfo
			require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			require.Equal(t, tc.want, got)
		})
	}

	t.Run("HasScope finds only listed scopes", func(t *testing.T) {
		info := TokenInfo{Scopes: []string{"public:read"}}
		require.True(t, info.HasScope("public:read"))
		require.False(t, info.HasScope("private:read"))
	})
}
