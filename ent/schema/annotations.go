package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Scalar names the graph uses for calendar dates and instants.
const (
	gqlDate     = "Date"
	gqlDateTime = "DateTime"
)

// dateField declares an optional calendar-date column stored as YYYY-MM-DD
// text; NULL means the date is not known.
func dateField(name string, annotations ...schema.Annotation) ent.Field {
	return field.String(name).
		GoType(civil.Date{}).
		Optional().
		Nillable().
		Annotations(append([]schema.Annotation{entgql.Type(gqlDate)}, annotations...)...)
}

// NormalizeEmail returns the stored form of an email address: trimmed and
// lower-cased, so that comparisons are case-insensitive.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// validateEmail rejects an address that is not in its stored form.
func validateEmail(s string) error {
	if s != NormalizeEmail(s) {
		return errEmailNotNormalized
	}
	if s == "" {
		return errEmailEmpty
	}
	return nil
}
