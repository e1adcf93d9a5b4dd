package civil

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Run("a calendar date round-trips", func(t *testing.T) {
		d, err := Parse("2024-02-29")
		require.NoError(t, err)
		require.Equal(t, Date{2024, time.February, 29}, d)
		require.Equal(t, "2024-02-29", d.String())
	})
	bad := []string{"", "2023-02-29", "2024-13-01", "2024-1-5", "2024-01-05T00:00:00Z", "05/01/2024"}
	for _, bad := range bad {
		t.Run("refuses "+bad, func(t *testing.T) {
			_, err := Parse(bad)
			require.Error(t, err)
			require.Contains(t, err.Error(), "YYYY-MM-DD")
		})
	}
	t.Run("MustParse panics on a bad literal", func(t *testing.T) {
		require.Panics(t, func() { MustParse("nope") })
	})
}

func TestJSON(t *testing.T) {
	var v struct {
		A Date `json:"a"`
		B Date `json:"b"`
		C Date `json:"c"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a":"1990-06-16","b":null,"c":""}`), &v))
	require.Equal(t, MustParse("1990-06-16"), v.A)
	require.True(t, v.B.IsZero())
	require.True(t, v.C.IsZero())

	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{"a":"1990-06-16","b":null,"c":null}`, string(out))

	require.Error(t, json.Unmarshal([]byte(`{"a":"2020-01-28T08:44:42.000Z"}`), &v),
		"an instant is never truncated into a date")
	require.Error(t, json.Unmarshal([]byte(`{"a":20200128}`), &v))
}

func TestDatabaseValues(t *testing.T) {
	v, err := MustParse("2026-03-29").Value()
	require.NoError(t, err)
	require.Equal(t, "2026-03-29", v)
	v, err = Date{}.Value()
	require.NoError(t, err)
	require.Nil(t, v)

	for name, src := range map[string]any{
		"text":  "2026-03-29",
		"bytes": []byte("2026-03-29"),
		"time":  time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),
	} {
		t.Run("scans "+name, func(t *testing.T) {
			var d Date
			require.NoError(t, d.Scan(src))
			require.Equal(t, MustParse("2026-03-29"), d)
		})
	}
	var d Date
	require.NoError(t, d.Scan(nil))
	require.True(t, d.IsZero())
	require.Error(t, d.Scan(42))
}

func TestArithmetic(t *testing.T) {
	require.Equal(t, MustParse("2024-03-01"), MustParse("2024-02-28").AddDays(2))
	require.Equal(t, MustParse("2023-03-01"), MustParse("2023-02-28").AddDays(1))
	require.Equal(t, MustParse("2025-12-25"), MustParse("2026-01-01").AddDays(-7))

	a, b := MustParse("2026-01-31"), MustParse("2026-02-01")
	require.True(t, a.Before(b))
	require.True(t, b.After(a))
	require.Zero(t, a.Compare(a))
	require.Equal(t, -1, MustParse("2025-12-31").Compare(a))

	require.True(t, IsLeapYear(2024))
	require.True(t, IsLeapYear(2000))
	require.False(t, IsLeapYear(1900))
	require.False(t, IsLeapYear(2026))
}

func TestTodayDependsOnTheZone(t *testing.T) {
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	honolulu, err := time.LoadLocation("Pacific/Honolulu")
	require.NoError(t, err)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	require.Equal(t, MustParse("2026-12-04"), Today(now, auckland))
	require.Equal(t, MustParse("2026-12-03"), Today(now, time.UTC))
	require.Equal(t, MustParse("2026-12-03"), Today(now, honolulu))

	nine := MustParse("2026-12-04").In(auckland, 9)
	require.Equal(t, time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), nine.UTC())
}
