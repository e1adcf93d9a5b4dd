// Package civil holds calendar dates: a day in no particular time zone, as
// Humaans uses for birthdays, start dates and job role effective dates.
//
// A Date never becomes an instant by accident. Converting one to a time.Time
// needs an explicit location (In), which is how lifecycle triggers find "the
// person's local day".
package civil

import (
	"cmp"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// layout is the wire and storage form of a Date.
const layout = "2006-01-02"

// Date is a calendar date. The zero value is the zero date, which IsZero
// reports and which encodes as JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Parse reads a date in the YYYY-MM-DD form. It rejects anything else,
// including timestamps, so that an instant is never silently truncated.
func Parse(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("civil: date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParse is Parse for literals known to be valid; it panics otherwise.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Today returns the calendar date of now in loc.
func Today(now time.Time, loc *time.Location) Date {
	return DateOf(now.In(loc))
}

// String returns the date as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool {
	return d.Year == 0 && d.Month == 0 && d.Day == 0
}

// In returns the instant of the given hour of d in loc. For an hour that a
// daylight-saving change skips or repeats, time.Date picks one of the
// candidate instants without guarantee; callers that must be exact about
// such hours (lifecycle triggers) resolve them themselves.
func (d Date) In(loc *time.Location, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	return cmp.Or(cmp.Compare(d.Year, e.Year), cmp.Compare(d.Month, e.Month),
		cmp.Compare(d.Day, e.Day))
}

// IsLeapYear reports whether year has a 29 February.
func IsLeapYear(year int) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}

// MarshalJSON encodes the date as "YYYY-MM-DD", or null for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON accepts "YYYY-MM-DD", null and "". Humaans sends the latter
// two for unset dates.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("civil: date must be a string: %w", err)
	}
	return d.parse(s)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error { return d.parse(string(b)) }

// parse sets d from YYYY-MM-DD, or to the zero date for "".
func (d *Date) parse(s string) error {
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as YYYY-MM-DD text, which sorts correctly on every
// database, or NULL for the zero date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored by Value. It also accepts a time.Time, which some
// drivers return for DATE columns, taking its calendar date as written.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = DateOf(v)
		return nil
	default:
		return fmt.Errorf("civil: cannot scan %T into a date", src)
	}
}
