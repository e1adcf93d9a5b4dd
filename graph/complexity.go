package graph

import (
	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

// directReportsWeight is the number of direct reports complexity assumes
// per person.
const directReportsWeight = 10

// setComplexity weighs list fields by how many items they may return, so
// that nested lists multiply: people(first: 100) { directReports {
// directReports { ... } } } costs what it may fetch.
func setComplexity(c *ComplexityRoot, l Limits) {
	size := func(first, last *int) int {
		switch {
		case first != nil:
			return max(*first, 1)
		case last != nil:
			return max(*last, 1)
		}
		return l.DefaultPageSize
	}
	c.Query.People = func(child int, first *int, _ *string, last *int, _ *string,
		_ *model.PersonFilter, _ *ent.PersonOrder,
	) int {
		return 1 + child*size(first, last)
	}
	c.Person.Reports = func(child int, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*size(first, last)
	}
	c.Person.DirectReports = func(child int) int {
		return 1 + child*directReportsWeight
	}
	c.Person.ManagementChain = func(child int, maxDepth *int) int {
		n := DefaultMaxChainDepth
		if maxDepth != nil {
			n = max(*maxDepth, 1)
		}
		return 1 + child*n
	}
	c.Query.SyncRuns = func(child int, first *int, _ *string, _ []syncrun.Status) int {
		return 1 + child*size(first, nil)
	}
}
