package hrsync_test

import (
	"context"
	"sync"

	"github.com/peoplegraph/peoplegraph/ent"
)

// mutationCounter counts the mutations ent runs, by entity type, through a
// hook on the client (bulk upserts count once per row).
type mutationCounter struct {
	mu     sync.Mutex
	byType map[string]int
}

func countMutations(c *ent.Client) *mutationCounter {
	m := &mutationCounter{byType: map[string]int{}}
	c.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, mu ent.Mutation) (ent.Value, error) {
			m.mu.Lock()
			m.byType[mu.Type()]++
			m.mu.Unlock()
			return next.Mutate(ctx, mu)
		})
	})
	return m
}

// except returns the counts without the named types.
func (m *mutationCounter) except(types ...string) map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for k, v := range m.byType {
		out[k] = v
	}
	for _, t := range types {
		delete(out, t)
	}
	return out
}

func (m *mutationCounter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byType = map[string]int{}
}
