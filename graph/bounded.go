package graph

import "time"

// boundedMap is a map that keeps at most size keys, forgetting the one
// inserted longest ago first. It is not safe for concurrent use.
type boundedMap[K comparable, V any] struct {
	size    int
	entries map[K]V
	order   []K // keys in insertion order, for eviction
}

func newBoundedMap[K comparable, V any](size int) boundedMap[K, V] {
	return boundedMap[K, V]{size: size, entries: make(map[K]V)}
}

// get returns the value of k, or the zero value.
func (m *boundedMap[K, V]) get(k K) V { return m.entries[k] }

// set stores v under k, replacing any value k had, and evicts the oldest
// keys beyond the bound.
func (m *boundedMap[K, V]) set(k K, v V) {
	if _, replaced := m.entries[k]; !replaced {
		m.order = append(m.order, k)
	}
	m.entries[k] = v
	for len(m.order) > m.size {
		delete(m.entries, m.order[0])
		m.order = m.order[1:]
	}
}

// fillOnce is a shared entry that its first caller fills while the others
// wait for done to close.
type fillOnce struct {
	done chan struct{}
	at   time.Time
}

func newFillOnce(now time.Time) fillOnce {
	return fillOnce{done: make(chan struct{}), at: now}
}

// expired reports whether a filled entry is older than ttl, or failed
// says it must not be shared; failed is asked only once the entry is
// filled. Entries being filled never expire: their readers wait for them.
func (f *fillOnce) expired(now time.Time, ttl time.Duration, failed func() bool) bool {
	select {
	case <-f.done:
		return failed() || now.Sub(f.at) > ttl
	default:
		return false
	}
}
