package graph

import (
	"context"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

// findPeople resolves a batch of Person representations, by id (departed
// people included, as for Query.person) or by work email (current people
// and aliases, as for Query.personByEmail), with one query per key kind.
// The result follows the order of reps, with nil for unknown people and
// for malformed emails.
func (r *Resolver) findPeople(ctx context.Context, reps []*model.PersonRepresentation) (
	[]*ent.Person, error,
) {
	var ids, emails []string
	normalized := make([]string, len(reps))
	for i, rep := range reps {
		switch {
		case rep.MatchedKey == model.PersonMatchedKeyID && rep.ID != nil:
			ids = append(ids, *rep.ID)
		case rep.WorkEmail != nil:
			if e, ok := normalizeEmail(*rep.WorkEmail); ok {
				normalized[i] = e
				emails = append(emails, e)
			}
		}
	}
	byID := map[string]*ent.Person{}
	if len(ids) > 0 {
		rows, err := r.client.Person.Query().Where(person.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("find people by id: %w", err)
		}
		for _, p := range rows {
			byID[p.ID] = p
		}
	}
	byEmail, err := byEmails(ctx, r.client, emails)
	if err != nil {
		return nil, err
	}
	out := make([]*ent.Person, len(reps))
	var found []*ent.Person
	for i, rep := range reps {
		if rep.MatchedKey == model.PersonMatchedKeyID && rep.ID != nil {
			out[i] = byID[*rep.ID]
		} else if normalized[i] != "" {
			out[i] = byEmail[normalized[i]]
		}
		if out[i] != nil {
			found = append(found, out[i])
		}
	}
	return out, r.prefetch(ctx, found)
}
