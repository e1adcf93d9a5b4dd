// Package model holds the Go types of the graph that are not ent entities:
// the types gqlgen generates in models_gen.go and the hand-written page types.
package model
