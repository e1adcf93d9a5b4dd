package graph

import (
	"context"
	"fmt"
	"net/mail"
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
// work email or alias, keyed by the email that matched, with two queries:
// the aliases, then the people. A work email wins over another person's
// alias.
func byEmails(ctx context.Context, c *ent.Client, emails []string) (map[string]*ent.Person, error) {
	out := make(map[string]*ent.Person, len(emails))
	if len(emails) == 0 {
		return out, nil
	}
	aliases, err := c.EmailAlias.Query().Where(emailalias.EmailIn(emails...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find email aliases: %w", err)
	}
	owners := make([]string, len(aliases))
	for i, a := range aliases {
		owners[i] = a.PersonID
	}
	rows, err := c.Person.Query().
		Where(person.DepartedAtIsNil(), person.Or(person.WorkEmailIn(emails...), person.IDIn(owners...))).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find people by email: %w", err)
	}
	byID := make(map[string]*ent.Person, len(rows))
	for _, p := range rows {
		byID[p.ID] = p
		if p.WorkEmail != nil {
			out[*p.WorkEmail] = p
		}
	}
	for _, a := range aliases {
		if _, taken := out[a.Email]; !taken && byID[a.PersonID] != nil {
			out[a.Email] = byID[a.PersonID]
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

// displayName is the preferred (else first) name and the last name.
func displayName(p *ent.Person) string {
	first := p.FirstName
	if p.PreferredName != nil && strings.TrimSpace(*p.PreferredName) != "" {
		first = strings.TrimSpace(*p.PreferredName)
	}
	return strings.TrimSpace(first + " " + p.LastName)
}
