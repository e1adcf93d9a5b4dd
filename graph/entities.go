package graph

import (
	"context"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
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
	l := r.loaders(ctx)
	byID, err := lookup(ctx, l.fetch.people, ids)
	if err != nil {
		return nil, fmt.Errorf("find people by id: %w", err)
	}
	byEmail, err := lookup(ctx, l.fetch.emails, emails)
	if err != nil {
		return nil, fmt.Errorf("find people by email: %w", err)
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

// lookup runs a batch fetch and returns its results by key.
func lookup(ctx context.Context, fetch fetchFunc[*ent.Person], keys []string) (
	map[string]*ent.Person, error,
) {
	out := make(map[string]*ent.Person, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	vals, errs := fetch(ctx, keys)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i, k := range keys {
		out[k] = vals[i]
	}
	return out, nil
}
