package graph

import (
	"context"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
)

// personByEmail finds the current person with this work email or alias;
// nil when nobody has it, BAD_USER_INPUT when it is not an address.
func (r *Resolver) personByEmail(ctx context.Context, email string) (*ent.Person, error) {
	norm, ok := normalizeEmail(email)
	if !ok {
		return nil, badInput(fmt.Sprintf("%q is not an email address", email))
	}
	found, err := lookup(ctx, r.loaders(ctx).fetch.emails, []string{norm})
	return found[norm], err
}

// personByID returns the person with this id, departed or not, or nil.
func (r *Resolver) personByID(ctx context.Context, id string) (*ent.Person, error) {
	found, err := lookup(ctx, r.loaders(ctx).fetch.people, []string{id})
	return found[id], err
}
