package humaans_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
)

// BenchmarkSnapshot10k measures a full read of a 10,000-person company, the
// fetch half of the sync's quality bar.
func BenchmarkSnapshot10k(b *testing.B) {
	env := newTestEnv(b, humaanssim.Options{People: 10_000, Seed: 1})
	ctx := context.Background()
	for b.Loop() {
		snap, err := env.client.Snapshot(ctx)
		require.NoError(b, err)
		require.True(b, snap.Complete)
	}
}

// BenchmarkPeople10kSequential reads the people of a 10,000-person company
// with one request in flight, for comparison with the default concurrency.
func BenchmarkPeople10kSequential(b *testing.B) {
	env := newTestEnv(b, humaanssim.Options{People: 10_000, Seed: 1}, humaans.WithConcurrency(1))
	ctx := context.Background()
	for b.Loop() {
		_, err := env.client.People(ctx)
		require.NoError(b, err)
	}
}

// BenchmarkPeople10k reads the people of a 10,000-person company with the
// default concurrency.
func BenchmarkPeople10k(b *testing.B) {
	env := newTestEnv(b, humaanssim.Options{People: 10_000, Seed: 1})
	ctx := context.Background()
	for b.Loop() {
		_, err := env.client.People(ctx)
		require.NoError(b, err)
	}
}
