// Package ent holds the generated data model of peoplegraph. Only the schema
// (ent/schema), the generator (entc.go, generate.go) and entity.go are
// written by hand; everything else is produced by `go generate ./ent`.
package ent

//go:generate go run -mod=mod entc.go
