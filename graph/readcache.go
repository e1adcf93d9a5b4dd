package graph

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jonboulle/clockwork"
	"github.com/vektah/gqlparser/v2/ast"
)

// readCacheMaxItems bounds the shared read cache; when it is full the cache
// starts over, which is cheap next to the queries it saves.
const readCacheMaxItems = 200_000

// readCache keeps lookups for a short time across operations: people by id
// and email, direct reports, locations, legal entities, custom values and
// the custom field catalogue, and the responses of directory queries. A
// nil *readCache caches nothing. Reads served
// from it may be up to its TTL older than the database.
type readCache struct {
	ttl   time.Duration
	clock clockwork.Clock

	mu    sync.RWMutex
	items map[cacheKey]cacheItem
	resp  responses
	// gen counts flushes, so that what was read before a flush is not
	// kept after it.
	gen uint64
}

type cacheKey struct {
	kind, key string
}

type cacheItem struct {
	v       any
	expires time.Time
}

func newReadCache(ttl time.Duration, clock clockwork.Clock) *readCache {
	if ttl <= 0 {
		return nil
	}
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &readCache{ttl: ttl, clock: clock, items: make(map[cacheKey]cacheItem)}
}

func (c *readCache) get(kind, key string) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	it, ok := c.items[cacheKey{kind, key}]
	c.mu.RUnlock()
	if !ok || !c.clock.Now().Before(it.expires) {
		return nil, false
	}
	return it.v, true
}

// put keeps v, unless the cache was flushed since gen.
func (c *readCache) put(gen uint64, kind, key string, v any) {
	if c == nil {
		return
	}
	expires := c.clock.Now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.items) >= readCacheMaxItems {
		c.items = make(map[cacheKey]cacheItem)
	}
	c.items[cacheKey{kind, key}] = cacheItem{v: v, expires: expires}
}

// flush forgets everything, after a change made through this server.
func (c *readCache) flush() {
	if c == nil {
		return
	}
	c.mu.Lock()
	// A sync delivers its events one by one; only the first flush of a
	// burst has anything to drop.
	if len(c.items) > 0 {
		c.items = make(map[cacheKey]cacheItem)
	}
	c.gen++
	if len(c.resp.items) > 0 {
		c.resp.items, c.resp.bytes = nil, 0
	}
	c.mu.Unlock()
}

// fetchFunc is a batch lookup in the form data loaders take.
type fetchFunc[V any] func(ctx context.Context, keys []string) ([]V, []error)

// cached wraps fetch so that keys found in c are not fetched again, and
// fetched values are kept.
func cached[V any](c *readCache, kind string, fetch fetchFunc[V]) fetchFunc[V] {
	if c == nil {
		return fetch
	}
	return func(ctx context.Context, keys []string) ([]V, []error) {
		out := make([]V, len(keys))
		var miss []string
		var at []int
		for i, k := range keys {
			if v, ok := c.get(kind, k); ok {
				out[i], _ = v.(V)
				continue
			}
			miss = append(miss, k)
			at = append(at, i)
		}
		if len(miss) == 0 {
			return out, nil
		}
		gen := c.generation()
		vals, errs := fetch(ctx, miss)
		if len(errs) > 0 {
			all := make([]error, len(keys))
			for j, i := range at {
				if j < len(errs) {
					all[i] = errs[j]
				}
			}
			return out, all
		}
		for j, i := range at {
			out[i] = vals[j]
			c.put(gen, kind, miss[j], vals[j])
		}
		return out, nil
	}
}

// Whole query responses are kept next to the lookups, under the same TTL
// and flushes, within a byte budget: a directory read many callers repeat
// (a person's card, an org chart page) is then answered without executing
// it again.
const (
	// responseCacheBudget bounds the bytes of response data and keys kept;
	// when it is spent the responses start over.
	responseCacheBudget = 32 << 20
	// responseCacheMaxBytes is the largest response, with its key, kept.
	responseCacheMaxBytes = 256 << 10
)

// cachedRoots are the root fields whose answers follow only the directory
// and its catalogue, which every change event flushes. Operational state
// (sync runs), the event log and projections are always read afresh.
var cachedRoots = map[string]bool{
	"person": true, "personByEmail": true, "people": true, "approvers": true,
	"customFields": true, "_entities": true, "_service": true,
	"__typename": true, "__schema": true, "__type": true,
}

type cachedResponse struct {
	resp    *graphql.Response
	expires time.Time
}

// responses holds the cached responses.
type responses struct {
	items map[string]cachedResponse
	bytes int
}

// generation returns the flush count that a value about to be read must
// still match when it is kept.
func (c *readCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// response returns the kept response for key, shared between callers and
// not to be modified.
func (c *readCache) response(key string) (*graphql.Response, bool) {
	c.mu.RLock()
	it, ok := c.resp.items[key]
	c.mu.RUnlock()
	if !ok || !c.clock.Now().Before(it.expires) {
		return nil, false
	}
	return it.resp, true
}

// putResponse keeps a response without errors for key, unless the cache
// was flushed since gen or the response is too large.
func (c *readCache) putResponse(gen uint64, key string, resp *graphql.Response) {
	if len(resp.Errors) > 0 || len(resp.Data)+len(key) > responseCacheMaxBytes {
		return
	}
	kept := *resp
	kept.Data = bytes.Clone(resp.Data)
	expires := c.clock.Now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	// Keys are digests (shareKey), but they take memory too.
	size := len(kept.Data) + len(key)
	if c.resp.items == nil || c.resp.bytes+size > responseCacheBudget {
		c.resp.items, c.resp.bytes = make(map[string]cachedResponse), 0
	}
	c.resp.items[key] = cachedResponse{resp: &kept, expires: expires}
	c.resp.bytes += size
}

// cacheResponses answers a query whose root fields are all directory reads
// from the cache, or executes it and keeps its response. Callers with the
// same document, operation, variables and scopes share entries (shareKey).
func (c *readCache) cacheResponses(ctx context.Context, next graphql.OperationHandler,
	observer Observer) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if c == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query ||
		!onlyCachedRoots(oc) {
		return next(ctx)
	}
	key := shareKey(ctx)
	if key == "" {
		return next(ctx)
	}
	resp, hit := c.response(key)
	observer.CachedQuery(hit)
	if hit {
		return graphql.OneShot(resp)
	}
	gen := c.generation()
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp != nil && ctx.Err() == nil {
			c.putResponse(gen, key, resp)
		}
		return resp
	}
}

// onlyCachedRoots reports whether every root field of the operation may be
// answered from the cache.
func onlyCachedRoots(oc *graphql.OperationContext) bool {
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		if !cachedRoots[f.Name] {
			return false
		}
	}
	return true
}
