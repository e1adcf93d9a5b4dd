package model

import "github.com/peoplegraph/peoplegraph/ent"

// PersonConnection is a page of people. Count, when set, counts the whole
// list; it runs only when a client selects totalCount.
type PersonConnection struct {
	Edges    []*PersonEdge
	PageInfo *PageInfo
	Count    func() (int, error)
}

// PersonEdge is a person in a page with its cursor.
type PersonEdge struct {
	Node   *ent.Person
	Cursor string
}

// PageInfo is Relay page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Nodes returns the people of the page in order.
func (c *PersonConnection) Nodes() []*ent.Person {
	out := make([]*ent.Person, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}
