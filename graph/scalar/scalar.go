// Package scalar holds the GraphQL marshallers of the graph's custom scalars:
// Date (a civil.Date as YYYY-MM-DD) and DateTime (a time.Time in RFC 3339).
package scalar

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// ErrInvalid marks a Date or DateTime input that is not a well-formed string.
var ErrInvalid = errors.New("scalar: invalid value")

// MarshalDate writes d as a "YYYY-MM-DD" string, or null for the zero date.
func MarshalDate(d civil.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if d.IsZero() {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads a "YYYY-MM-DD" string.
func UnmarshalDate(v any) (civil.Date, error) {
	s, ok := v.(string)
	if !ok {
		return civil.Date{}, fmt.Errorf("%w: a Date must be a YYYY-MM-DD string", ErrInvalid)
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, fmt.Errorf("%w: %q is not a YYYY-MM-DD date", ErrInvalid, s)
	}
	return d, nil
}

// MarshalDateTime writes t in RFC 3339 form with its UTC offset, to the
// second or finer when t has a fraction.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.RFC3339Nano)))
	})
}

// UnmarshalDateTime reads an RFC 3339 string.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: a DateTime must be an RFC 3339 string", ErrInvalid)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not an RFC 3339 date-time", ErrInvalid, s)
	}
	return t, nil
}
