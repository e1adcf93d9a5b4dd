package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Defaults for the zero values of Limits.
const (
	DefaultMaxDepth       = 12
	DefaultMaxComplexity  = 5000
	DefaultMaxPageSize    = 100
	DefaultPageSize       = 20
	DefaultLoaderWait     = time.Millisecond
	DefaultQueryCacheSize = 1000
	DefaultAPQCacheSize   = 1000
	DefaultMaxChainDepth  = 10
)

// Limits caps what one operation may ask for.
type Limits struct {
	// MaxDepth is the deepest nesting of fields an operation may select;
	// introspection and _service are exempt.
	MaxDepth int
	// MaxComplexity is the largest complexity an operation may have: every
	// field costs 1, and a list field costs its children times its first,
	// last or maxDepth argument (else the page size).
	MaxComplexity int
	// MaxPageSize caps first and last of every connection.
	MaxPageSize int
	// DefaultPageSize is the page size when neither first nor last is given.
	DefaultPageSize int
	// LoaderWait is how long a data loader gathers lookups nobody primed.
	LoaderWait time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	def(&l.MaxPageSize, DefaultMaxPageSize)
	def(&l.DefaultPageSize, DefaultPageSize)
	if l.DefaultPageSize > l.MaxPageSize {
		l.DefaultPageSize = l.MaxPageSize
	}
	if l.LoaderWait <= 0 {
		l.LoaderWait = DefaultLoaderWait
	}
	return l
}

// depthLimit rejects operations that nest fields deeper than max.
type depthLimit struct {
	max int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

// ExtensionName names the extension.
func (depthLimit) ExtensionName() string { return "DepthLimit" }

// Validate accepts every schema.
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation's depth.
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext,
) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, map[string]bool{})
	if depth > d.max {
		err := gqlerror.Errorf("the operation is %d levels deep, more than the limit of %d",
			depth, d.max)
		err.Extensions = map[string]any{"code": CodeBadUserInput, "reason": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// selectionDepth returns the deepest field nesting of set. Introspection
// and _service are not counted; fragments are followed once per path.
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int,
	seen map[string]bool,
) int {
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if depth == 0 && (s.Name == "__schema" || s.Name == "__type" || s.Name == "_service") {
				continue
			}
			d = selectionDepth(s.SelectionSet, frags, depth+1, seen)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, depth, seen)
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			f := frags.ForName(s.Name)
			if f == nil {
				continue
			}
			seen[s.Name] = true
			d = selectionDepth(f.SelectionSet, frags, depth, seen)
			delete(seen, s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}
