package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/peoplegraph/peoplegraph/ent"
)

// selectionTypes are the type conditions under which the graph looks for
// Person fields when it decides what to prefetch.
var selectionTypes = []string{
	"Person", "_Entity", "PersonConnection", "PersonEdge",
	"ApproverResult", "Approver", "SkippedManager",
}

// selected returns the fields selected below the current field, following
// path (such as "edges", "node"), keyed by field name.
func selected(ctx context.Context, path ...string) map[string][]graphql.CollectedField {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	sels := fc.Field.Selections
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range graphql.CollectFields(oc, sels, selectionTypes) {
			if f.Name == name {
				next = append(next, f.Selections...)
			}
		}
		sels = next
	}
	out := make(map[string][]graphql.CollectedField)
	for _, f := range graphql.CollectFields(oc, sels, selectionTypes) {
		out[f.Name] = append(out[f.Name], f)
	}
	return out
}

// prefetch loads, in one query each, what the selection below the current
// field (at path) needs for these people: their managers, direct reports,
// locations, legal entities, custom values and management chains. The
// results prime the operation's loaders, so that the field resolvers of a
// whole page cost a fixed number of queries and never wait for a batch.
func (r *Resolver) prefetch(ctx context.Context, people []*ent.Person, path ...string) error {
	l := r.loaders(ctx)
	for _, p := range people {
		l.know(p)
	}
	if len(people) == 0 || (len(path) == 0 && !mayPrefetch(ctx)) {
		return nil
	}
	fields := selected(ctx, path...)
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	if fields["manager"] != nil {
		if err := l.primePeople(ctx, managerIDs(people)); err != nil {
			return err
		}
	}
	if fields["directReports"] != nil {
		prime(ctx, l.directReports, ids, l.fetch.directReports)
	}
	if fields["location"] != nil || fields["timezone"] != nil {
		prime(ctx, l.location, idsOf(people, func(p *ent.Person) *string { return p.LocationID }),
			l.fetch.locations)
	}
	if fields["legalEntity"] != nil {
		prime(ctx, l.legalEntity,
			idsOf(people, func(p *ent.Person) *string { return p.LegalEntityID }),
			l.fetch.legalEntities)
	}
	if fields["customFields"] != nil || fields["customField"] != nil {
		prime(ctx, l.customValues, ids, l.fetch.customValues)
	}
	if fs := fields["managementChain"]; fs != nil {
		depth := 0
		oc := graphql.GetOperationContext(ctx)
		for _, f := range fs {
			depth = max(depth, chainDepthArg(f.ArgumentMap(oc.Variables)))
		}
		if _, err := l.chains(ctx, people, depth); err != nil {
			return err
		}
	}
	return nil
}

// prefetched are the Person fields prefetch loads ahead.
var prefetched = map[string]bool{
	"manager": true, "directReports": true, "location": true, "timezone": true,
	"legalEntity": true, "customFields": true, "customField": true, "managementChain": true,
}

// mayPrefetch reports whether the selection below the current field could
// ask for a field prefetch loads. It looks only at the fields written
// directly below, without collecting them, and answers true for any
// fragment, so that the common selection of plain fields (a management
// chain's names and emails) skips the collection altogether.
func mayPrefetch(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for _, sel := range fc.Field.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || prefetched[f.Name] {
			return true
		}
	}
	return false
}

// prime fetches keys in one call and primes loader with the results.
// Failures are left for the field resolvers to meet, and report.
func prime[V any](ctx context.Context, loader interface{ Prime(string, V) bool }, keys []string,
	fetch func(context.Context, []string) ([]V, []error),
) {
	if len(keys) == 0 {
		return
	}
	vals, errs := fetch(ctx, keys)
	if len(errs) > 0 {
		return
	}
	for i, k := range keys {
		loader.Prime(k, vals[i])
	}
}

func managerIDs(people []*ent.Person) []string {
	return idsOf(people, func(p *ent.Person) *string { return p.ManagerID })
}

// idsOf returns the distinct non-nil ids get returns for people.
func idsOf(people []*ent.Person, get func(*ent.Person) *string) []string {
	seen := make(map[string]bool, len(people))
	var out []string
	for _, p := range people {
		if id := get(p); id != nil && !seen[*id] {
			seen[*id] = true
			out = append(out, *id)
		}
	}
	return out
}

// chainDepthArg reads a managementChain maxDepth argument, clamped to the
// allowed range; the resolver rejects values outside it.
func chainDepthArg(args map[string]any) int {
	n := DefaultMaxChainDepth
	switch v := args["maxDepth"].(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	}
	return min(max(n, 1), DefaultMaxChainDepth)
}

// checkChainDepth validates a maxDepth argument.
func checkChainDepth(maxDepth *int) (int, error) {
	if maxDepth == nil {
		return DefaultMaxChainDepth, nil
	}
	if *maxDepth < 1 || *maxDepth > DefaultMaxChainDepth {
		return 0, badInput(fmt.Sprintf("maxDepth must be between 1 and %d", DefaultMaxChainDepth))
	}
	return *maxDepth, nil
}
