package graph

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/emailalias"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/predicate"
	entschema "github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

// normalizeEmail checks that s is one plain address and returns its stored
// form, or ok false.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 320 || strings.ContainsAny(s, " <>") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	return entschema.NormalizeEmail(s), true
}

// byEmails returns the current people having these (normalized) emails as
// work email or alias, keyed by the email that matched. One query finds the
// people; a second one, needed only when more than one email was asked for
// and some did not match a work email, tells which alias belongs to whom.
// A work email wins over another person's alias.
func byEmails(ctx context.Context, c *ent.Client, emails []string) (map[string]*ent.Person, error) {
	out := make(map[string]*ent.Person, len(emails))
	if len(emails) == 0 {
		return out, nil
	}
	rows, err := c.Person.Query().
		Where(person.DepartedAtIsNil(), person.Or(
			person.WorkEmailIn(emails...),
			person.HasEmailAliasesWith(emailalias.EmailIn(emails...)),
		)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find people by email: %w", err)
	}
	for _, p := range rows {
		if p.WorkEmail != nil && slices.Contains(emails, *p.WorkEmail) {
			out[*p.WorkEmail] = p
		}
	}
	var rest []string
	for _, e := range emails {
		if out[e] == nil && !slices.Contains(rest, e) {
			rest = append(rest, e)
		}
	}
	switch {
	case len(rest) == 0 || len(rows) == 0:
		return out, nil
	case len(rows) == 1 && len(rest) == 1 && len(out) == 0:
		// One email asked for, matched through an alias.
		out[rest[0]] = rows[0]
		return out, nil
	}
	aliases, err := c.EmailAlias.Query().Where(emailalias.EmailIn(rest...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find email aliases: %w", err)
	}
	for _, a := range aliases {
		for _, p := range rows {
			if p.ID == a.PersonID {
				out[a.Email] = p
			}
		}
	}
	return out, nil
}

// filterPredicates turns a PersonFilter into query predicates.
func filterPredicates(f *model.PersonFilter) []predicate.Person {
	var ps []predicate.Person
	if f == nil || f.IncludeDeparted == nil || !*f.IncludeDeparted {
		ps = append(ps, person.DepartedAtIsNil())
	}
	if f == nil {
		return ps
	}
	if len(f.Status) > 0 {
		ps = append(ps, person.StatusIn(f.Status...))
	}
	if len(f.Department) > 0 {
		ps = append(ps, person.DepartmentIn(f.Department...))
	}
	if len(f.Team) > 0 {
		or := make([]predicate.Person, len(f.Team))
		for i, t := range f.Team {
			or[i] = func(s *sql.Selector) {
				s.Where(sqljson.ValueContains(person.FieldTeams, t))
			}
		}
		ps = append(ps, person.Or(or...))
	}
	if len(f.LocationID) > 0 {
		ps = append(ps, person.LocationIDIn(f.LocationID...))
	}
	if len(f.LegalEntityID) > 0 {
		ps = append(ps, person.LegalEntityIDIn(f.LegalEntityID...))
	}
	if f.ManagerID != nil {
		ps = append(ps, person.ManagerID(*f.ManagerID))
	}
	if len(f.EmploymentType) > 0 {
		ps = append(ps, person.EmploymentTypeIn(f.EmploymentType...))
	}
	if f.StartDateFrom != nil {
		ps = append(ps, person.StartDateGTE(*f.StartDateFrom))
	}
	if f.StartDateTo != nil {
		ps = append(ps, person.StartDateLTE(*f.StartDateTo))
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		q := strings.TrimSpace(*f.Search)
		ps = append(ps, person.Or(
			person.FirstNameContainsFold(q),
			person.LastNameContainsFold(q),
			person.PreferredNameContainsFold(q),
			person.WorkEmailContainsFold(q),
		))
	}
	return ps
}
