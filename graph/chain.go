package graph

import (
	"context"
	"fmt"
	"sync"

	"entgo.io/ent/dialect/sql"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/predicate"
)

// chain is the management chain above one person, nearest manager first.
type chain struct {
	managers []*ent.Person
	// ended is true when the chain reached the top, or a manager id that
	// names nobody stored, within the depth it was walked to.
	ended bool
	// loop is true when the chain came back to a person already in it.
	loop bool
	// unknown is true when the chain ended at a manager id naming nobody.
	unknown bool
}

// peopleCache keeps every person an operation has loaded, by id, so that
// chain walks fetch each level once.
type peopleCache struct {
	mu   sync.Mutex
	byID map[string]*ent.Person
	// chains holds walked chains by person id, with the depth walked.
	chains map[string]chainEntry
}

type chainEntry struct {
	depth int
	c     *chain
}

// remember adds p, just read from the database, to the operation's cache,
// the shared one and the person loader.
func (l *loaders) remember(p *ent.Person) {
	l.know(p)
	l.shared.put(l.gen, "person", p.ID, p)
}

// know adds p to the operation's cache and the person loader only. People
// that may have come from the shared cache go through know, so that serving
// them does not extend their stay there beyond its TTL.
func (l *loaders) know(p *ent.Person) {
	l.cache.mu.Lock()
	l.cache.byID[p.ID] = p
	l.cache.mu.Unlock()
	l.person.Prime(p.ID, p)
}

// cached returns the person with this id when the operation or the shared
// cache knows it; a nil person means known to be missing.
func (l *loaders) cached(id string) (*ent.Person, bool) {
	l.cache.mu.Lock()
	defer l.cache.mu.Unlock()
	if p, ok := l.cache.byID[id]; ok {
		return p, true
	}
	v, ok := l.shared.get("person", id)
	if !ok {
		return nil, false
	}
	p, _ := v.(*ent.Person)
	l.cache.byID[id] = p
	return p, true
}

// primePeople loads the people of ids that are not cached yet, in one query.
// Ids naming nobody are remembered as nil.
func (l *loaders) primePeople(ctx context.Context, ids []string) error {
	var missing []string
	for _, id := range ids {
		if _, ok := l.cached(id); !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := lookup(ctx, l.fetch.people, missing)
	if err != nil {
		return err
	}
	l.cache.mu.Lock()
	for id, p := range found {
		l.cache.byID[id] = p
	}
	l.cache.mu.Unlock()
	for id, p := range found {
		l.person.Prime(id, p)
	}
	return nil
}

// chainWalk is one chain being walked.
type chainWalk struct {
	at   *ent.Person
	seen map[string]bool
	c    *chain
}

// step moves w one manager up, using the cache; it reports whether the walk
// can go on.
func (w *chainWalk) step(l *loaders) bool {
	m, _ := l.cached(*w.at.ManagerID)
	switch {
	case m == nil:
		w.c.ended, w.c.unknown = true, true
		return false
	case w.seen[m.ID]:
		w.c.loop = true
		return false
	}
	w.seen[m.ID] = true
	w.c.managers = append(w.c.managers, m)
	w.at = m
	if m.ManagerID == nil {
		w.c.ended = true
		return false
	}
	return true
}

// chains walks the management chains of people up to depth levels, with one
// query for all of them together, and keeps them for the managementChain
// resolvers.
func (l *loaders) chains(ctx context.Context, people []*ent.Person, depth int) (
	map[string]*chain, error,
) {
	out := make(map[string]*chain, len(people))
	var open []*chainWalk
	for _, p := range people {
		if c, ok := l.knownChain(p.ID, depth); ok {
			out[p.ID] = c
			continue
		}
		w := &chainWalk{at: p, seen: map[string]bool{p.ID: true}, c: &chain{}}
		out[p.ID] = w.c
		if p.ManagerID == nil {
			w.c.ended = true
			continue
		}
		open = append(open, w)
	}
	loaded := false
	for level := 0; level < depth && len(open) > 0; level++ {
		if !loaded && l.unknownManagers(open) {
			// One recursive query fetches every remaining level at once.
			roots := make([]string, len(open))
			for i, w := range open {
				roots[i] = w.at.ID
			}
			if err := l.loadChains(ctx, roots, depth-level); err != nil {
				return nil, err
			}
			loaded = true
		}
		next := open[:0]
		for _, w := range open {
			if w.step(l) {
				next = append(next, w)
			}
		}
		open = next
	}
	l.cache.mu.Lock()
	defer l.cache.mu.Unlock()
	for id, c := range out {
		if e, ok := l.cache.chains[id]; !ok || e.depth < depth {
			l.cache.chains[id] = chainEntry{depth: depth, c: c}
		}
	}
	return out, nil
}

// unknownManagers reports whether a walk's next manager is in no cache.
func (l *loaders) unknownManagers(open []*chainWalk) bool {
	for _, w := range open {
		if _, ok := l.cached(*w.at.ManagerID); !ok {
			return true
		}
	}
	return false
}

// loadChains loads, in one recursive query, every person up to depth levels
// above roots, and remembers them; a manager id naming nobody is then
// known to be missing.
func (l *loaders) loadChains(ctx context.Context, roots []string, depth int) error {
	rows, err := l.client.Person.Query().Where(managersAbove(roots, depth)).All(ctx)
	if err != nil {
		return fmt.Errorf("load management chains: %w", err)
	}
	for _, p := range rows {
		l.remember(p)
	}
	return nil
}

// managersAbove selects the managers up to depth levels above roots. The
// depth bounds the recursion, so a reporting loop ends it too.
func managersAbove(roots []string, depth int) predicate.Person {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.Ident(person.FieldID).WriteString(" IN (WITH RECURSIVE up(id, depth) AS (SELECT ").
				Ident(person.FieldManagerID).WriteString(", 1 FROM ").Ident(person.Table).
				WriteString(" WHERE ").Ident(person.FieldID).WriteString(" IN (")
			for i, r := range roots {
				if i > 0 {
					b.Comma()
				}
				b.Arg(r)
			}
			b.WriteString(") AND ").Ident(person.FieldManagerID).WriteString(" IS NOT NULL").
				WriteString(" UNION SELECT p.").Ident(person.FieldManagerID).
				WriteString(", up.depth + 1 FROM ").Ident(person.Table).
				WriteString(" p JOIN up ON p.").Ident(person.FieldID).
				WriteString(" = up.id WHERE up.depth < ").Arg(depth).
				WriteString(" AND p.").Ident(person.FieldManagerID).
				WriteString(" IS NOT NULL) SELECT id FROM up)")
		}))
	}
}

// knownChain returns a chain walked before that covers depth levels,
// truncated to them.
func (l *loaders) knownChain(id string, depth int) (*chain, bool) {
	l.cache.mu.Lock()
	e, ok := l.cache.chains[id]
	l.cache.mu.Unlock()
	complete := ok && (e.c.ended || e.c.loop)
	if !ok || (e.depth < depth && !complete) {
		return nil, false
	}
	if len(e.c.managers) <= depth {
		return e.c, true
	}
	return &chain{managers: e.c.managers[:depth]}, true
}
