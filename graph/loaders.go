package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/customfielddefinition"
	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
	"github.com/peoplegraph/peoplegraph/ent/legalentity"
	"github.com/peoplegraph/peoplegraph/ent/location"
	"github.com/peoplegraph/peoplegraph/ent/person"
)

// loaders batches and caches the lookups of one operation. Resolvers that
// produce several people prime them (see prefetch), so that common query
// shapes never wait for a batch window; the window only gathers the lookups
// nobody primed, such as the locations of the managers of a page.
type loaders struct {
	client        *ent.Client
	person        *dataloadgen.Loader[string, *ent.Person]
	directReports *dataloadgen.Loader[string, []*ent.Person]
	location      *dataloadgen.Loader[string, *ent.Location]
	legalEntity   *dataloadgen.Loader[string, *ent.LegalEntity]
	customValues  *dataloadgen.Loader[string, []*ent.CustomFieldValue]

	// fetch are the batch lookups behind the loaders, through the shared
	// read cache when there is one.
	fetch  fetchers
	shared *readCache
	cache  peopleCache
	// gen is the shared cache's flush count when the loaders were built,
	// before they read anything: what they read is kept there only while
	// no flush intervened.
	gen uint64

	defsOnce sync.Once
	defs     map[string]*ent.CustomFieldDefinition
	defsErr  error
}

// fetchers are the batch lookups of the loaders.
type fetchers struct {
	people        fetchFunc[*ent.Person]
	emails        fetchFunc[*ent.Person]
	directReports fetchFunc[[]*ent.Person]
	locations     fetchFunc[*ent.Location]
	legalEntities fetchFunc[*ent.LegalEntity]
	customValues  fetchFunc[[]*ent.CustomFieldValue]
}

type loadersKey struct{}

func newLoaders(client *ent.Client, wait time.Duration, shared *readCache) *loaders {
	l := &loaders{client: client, shared: shared, gen: shared.generation(), cache: peopleCache{
		byID:   make(map[string]*ent.Person),
		chains: make(map[string]chainEntry),
	}}
	l.fetch = fetchers{
		people:        cached(shared, "person", l.fetchPeople),
		emails:        cached(shared, "email", l.fetchEmails),
		directReports: cached(shared, "reports", l.fetchDirectReports),
		locations:     cached(shared, "location", l.fetchLocations),
		legalEntities: cached(shared, "entity", l.fetchLegalEntities),
		customValues:  cached(shared, "values", l.fetchCustomValues),
	}
	opt := dataloadgen.WithWait(wait)
	l.person = dataloadgen.NewLoader(l.fetch.people, opt)
	l.directReports = dataloadgen.NewLoader(l.fetch.directReports, opt)
	l.location = dataloadgen.NewLoader(l.fetch.locations, opt)
	l.legalEntity = dataloadgen.NewLoader(l.fetch.legalEntities, opt)
	l.customValues = dataloadgen.NewLoader(l.fetch.customValues, opt)
	return l
}

// lazyLoaders builds the loaders of one operation, or of one event of a
// subscription, when a resolver first needs them: most events reach their
// subscribers with every row already attached, and a query such as
// { __typename } reads nothing, so neither should pay for a loader set.
type lazyLoaders struct {
	once sync.Once
	l    *loaders
	r    *Resolver
}

func (z *lazyLoaders) get() *loaders {
	z.once.Do(func() { z.l = z.r.newLoaders() })
	return z.l
}

// withLoaders gives ctx a loader set of its own, built on first use.
func (r *Resolver) withLoaders(ctx context.Context) context.Context {
	return context.WithValue(ctx, loadersKey{}, &lazyLoaders{r: r})
}

func (r *Resolver) newLoaders() *loaders {
	return newLoaders(r.client, r.limits.LoaderWait, r.cache)
}

// loaders returns the operation's loaders. Every operation gets them in
// NewHandler; the fallback keeps a resolver called outside one correct.
func (r *Resolver) loaders(ctx context.Context) *loaders {
	if z, ok := ctx.Value(loadersKey{}).(*lazyLoaders); ok {
		return z.get()
	}
	return r.newLoaders()
}

// each returns one result per key, in key order, from results by key.
func each[V any](keys []string, byKey map[string]V) ([]V, []error) {
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out, nil
}

// inKeyOrder returns one row per key, in key order, matching rows by id;
// the zero value for a key no row has.
func inKeyOrder[V any](keys []string, rows []V, id func(V) string) ([]V, []error) {
	byID := make(map[string]V, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	return each(keys, byID)
}

func failAll[V any](keys []string, err error) ([]V, []error) {
	errs := make([]error, len(keys))
	for i := range errs {
		errs[i] = err
	}
	return make([]V, len(keys)), errs
}

func (l *loaders) fetchPeople(ctx context.Context, ids []string) ([]*ent.Person, []error) {
	rows, err := l.client.Person.Query().Where(person.IDIn(ids...)).All(ctx)
	if err != nil {
		return failAll[*ent.Person](ids, fmt.Errorf("load people: %w", err))
	}
	return inKeyOrder(ids, rows, func(p *ent.Person) string { return p.ID })
}

// fetchEmails finds current people by normalized work email or alias.
func (l *loaders) fetchEmails(ctx context.Context, emails []string) ([]*ent.Person, []error) {
	found, err := byEmails(ctx, l.client, emails)
	if err != nil {
		return failAll[*ent.Person](emails, err)
	}
	return each(emails, found)
}

func (l *loaders) fetchDirectReports(ctx context.Context, ids []string) ([][]*ent.Person, []error) {
	rows, err := l.client.Person.Query().
		Where(person.ManagerIDIn(ids...), person.DepartedAtIsNil()).
		Order(ent.Asc(person.FieldLastName, person.FieldFirstName, person.FieldID)).
		All(ctx)
	if err != nil {
		return failAll[[]*ent.Person](ids, fmt.Errorf("load direct reports: %w", err))
	}
	byManager := make(map[string][]*ent.Person, len(ids))
	for _, p := range rows {
		byManager[*p.ManagerID] = append(byManager[*p.ManagerID], p)
	}
	out := make([][]*ent.Person, len(ids))
	for i, id := range ids {
		out[i] = byManager[id]
		if out[i] == nil {
			out[i] = []*ent.Person{}
		}
	}
	return out, nil
}

func (l *loaders) fetchLocations(ctx context.Context, ids []string) ([]*ent.Location, []error) {
	rows, err := l.client.Location.Query().Where(location.IDIn(ids...)).All(ctx)
	if err != nil {
		return failAll[*ent.Location](ids, fmt.Errorf("load locations: %w", err))
	}
	return inKeyOrder(ids, rows, func(x *ent.Location) string { return x.ID })
}

func (l *loaders) fetchLegalEntities(ctx context.Context, ids []string) ([]*ent.LegalEntity,
	[]error,
) {
	rows, err := l.client.LegalEntity.Query().Where(legalentity.IDIn(ids...)).All(ctx)
	if err != nil {
		return failAll[*ent.LegalEntity](ids, fmt.Errorf("load legal entities: %w", err))
	}
	return inKeyOrder(ids, rows, func(x *ent.LegalEntity) string { return x.ID })
}

// fetchCustomValues loads the values of selected fields, ordered by the
// field's name.
func (l *loaders) fetchCustomValues(ctx context.Context, ids []string) ([][]*ent.CustomFieldValue,
	[]error,
) {
	defs, err := l.definitions(ctx)
	if err != nil {
		return failAll[[]*ent.CustomFieldValue](ids, err)
	}
	rows, err := l.client.CustomFieldValue.Query().
		Where(customfieldvalue.PersonIDIn(ids...)).All(ctx)
	if err != nil {
		return failAll[[]*ent.CustomFieldValue](ids, fmt.Errorf("load custom values: %w", err))
	}
	byPerson := make(map[string][]*ent.CustomFieldValue, len(ids))
	for _, v := range rows {
		if d := defs[v.DefinitionID]; d != nil && d.Selected {
			// Attached before the value is shared, so that definition
			// resolves inline, with no lookup of its own.
			v.Edges.Definition = d
			byPerson[v.PersonID] = append(byPerson[v.PersonID], v)
		}
	}
	out := make([][]*ent.CustomFieldValue, len(ids))
	for i, id := range ids {
		vs := byPerson[id]
		sort.Slice(vs, func(a, b int) bool {
			return strings.ToLower(defs[vs[a].DefinitionID].Name) <
				strings.ToLower(defs[vs[b].DefinitionID].Name)
		})
		if vs == nil {
			vs = []*ent.CustomFieldValue{}
		}
		out[i] = vs
	}
	return out, nil
}

// definitions returns the custom field catalogue by id, read once per
// operation (or per cache period): it is small and every custom value needs it.
func (l *loaders) definitions(ctx context.Context) (map[string]*ent.CustomFieldDefinition, error) {
	l.defsOnce.Do(func() {
		if v, ok := l.shared.get("definitions", ""); ok {
			l.defs, _ = v.(map[string]*ent.CustomFieldDefinition)
			return
		}
		rows, err := l.client.CustomFieldDefinition.Query().
			Order(ent.Asc(customfielddefinition.FieldName)).All(ctx)
		if err != nil {
			l.defsErr = fmt.Errorf("load custom field definitions: %w", err)
			return
		}
		l.defs = make(map[string]*ent.CustomFieldDefinition, len(rows))
		for _, d := range rows {
			l.defs[d.ID] = d
		}
		l.shared.put(l.gen, "definitions", "", l.defs)
	})
	return l.defs, l.defsErr
}
