package graph

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// readCacheMaxItems bounds the shared read cache; when it is full the cache
// starts over, which is cheap next to the queries it saves.
const readCacheMaxItems = 200_000

// readCache keeps lookups for a short time across operations: people by id
// and email, direct reports, locations, legal entities, custom values and
// the custom field catalogue. A nil *readCache caches nothing. Reads served
// from it may be up to its TTL older than the database.
type readCache struct {
	ttl   time.Duration
	clock clockwork.Clock

	mu    sync.RWMutex
	items map[cacheKey]cacheItem
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

func (c *readCache) put(kind, key string, v any) {
	if c == nil {
		return
	}
	expires := c.clock.Now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
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
			c.put(kind, miss[j], vals[j])
		}
		return out, nil
	}
}
