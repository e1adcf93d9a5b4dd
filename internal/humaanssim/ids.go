package humaanssim

import "math/rand/v2"

// idAlphabet is the character set of Humaans ids and tokens.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Streams of the PCG generator, so that ids, tokens and company data drawn from one seed
// do not depend on each other's consumption.
const (
	streamIDs     = 0x6964730a
	streamToken   = 0x746f6b65
	streamCompany = 0x636f6d70
)

// idSource hands out 24-character alphanumeric ids, deterministic for its seed. It is not
// safe for concurrent use; the simulator calls it under its lock.
type idSource struct {
	rng *rand.Rand
}

func newIDSource(seed int64) *idSource {
	return &idSource{rng: rand.New(rand.NewPCG(uint64(seed), streamIDs))}
}

// next returns a fresh id.
func (g *idSource) next() string { return randomString(g.rng, 24) }

// defaultToken derives the default token from a seed: 32 alphanumeric characters, the only
// token format seen in public material.
func defaultToken(seed int64) string {
	return randomString(rand.New(rand.NewPCG(uint64(seed), streamToken)), 32)
}

func randomString(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	return string(b)
}
