package scalar_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/graph/scalar"
	"github.com/peoplegraph/peoplegraph/internal/civil"
)

func TestDate(t *testing.T) {
	t.Run("a date round-trips as YYYY-MM-DD", func(t *testing.T) {
		var b bytes.Buffer
		scalar.MarshalDate(civil.MustParse("2024-02-29")).MarshalGQL(&b)
		require.Equal(t, `"2024-02-29"`, b.String())
		d, err := scalar.UnmarshalDate("2024-02-29")
		require.NoError(t, err)
		require.Equal(t, civil.MustParse("2024-02-29"), d)
	})
	t.Run("the zero date is null", func(t *testing.T) {
		var b bytes.Buffer
		scalar.MarshalDate(civil.Date{}).MarshalGQL(&b)
		require.Equal(t, "null", b.String())
	})
	t.Run("instants, impossible days and non-strings are invalid", func(t *testing.T) {
		for _, v := range []any{"2024-02-29T10:00:00Z", "2023-02-29", 20240229, nil} {
			_, err := scalar.UnmarshalDate(v)
			require.ErrorIs(t, err, scalar.ErrInvalid, "%v", v)
		}
	})
}

func TestDateTime(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 30, 0, 0, time.FixedZone("CET", 3600))
	var b bytes.Buffer
	scalar.MarshalDateTime(at).MarshalGQL(&b)
	require.Equal(t, `"2026-03-29T01:30:00+01:00"`, b.String())
	got, err := scalar.UnmarshalDateTime("2026-03-29T01:30:00+01:00")
	require.NoError(t, err)
	require.True(t, at.Equal(got))
	for _, v := range []any{"2026-03-29", "yesterday", 1} {
		_, err := scalar.UnmarshalDateTime(v)
		require.ErrorIs(t, err, scalar.ErrInvalid, "%v", v)
	}
}
