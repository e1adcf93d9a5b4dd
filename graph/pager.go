package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	entgql "entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

// page is a validated request for one page of a connection.
type page struct {
	first, last   *int
	after, before *cursor
}

// cursor points at one person of an ordered list: the values of its sort
// columns and its id, which breaks ties.
type cursor struct {
	Values []string `json:"v"`
	ID     string   `json:"id"`
}

// sortKey is one column a list of people is ordered by. NULLs sort as the
// empty string, so that every key compares with plain operators on both
// databases.
type sortKey struct {
	column string
	value  func(p *ent.Person) string
}

var (
	sortFirstName = sortKey{person.FieldFirstName, func(p *ent.Person) string {
		return p.FirstName
	}}
	sortLastName  = sortKey{person.FieldLastName, func(p *ent.Person) string { return p.LastName }}
	sortWorkEmail = sortKey{person.FieldWorkEmail, func(p *ent.Person) string {
		return deref(p.WorkEmail)
	}}
	sortStartDate = sortKey{person.FieldStartDate, func(p *ent.Person) string {
		if p.StartDate == nil {
			return ""
		}
		return p.StartDate.String()
	}}
)

// ordering is the order of a list of people: its keys, then the id.
type ordering struct {
	keys []sortKey
	desc bool
}

// defaultOrdering is by last name, then first name.
var defaultOrdering = ordering{keys: []sortKey{sortLastName, sortFirstName}}

func orderingOf(o *ent.PersonOrder) ordering {
	if o == nil || o.Field == nil {
		return defaultOrdering
	}
	var k sortKey
	switch o.Field.String() {
	case "FIRST_NAME":
		k = sortFirstName
	case "WORK_EMAIL":
		k = sortWorkEmail
	case "START_DATE":
		k = sortStartDate
	default:
		k = sortLastName
	}
	return ordering{keys: []sortKey{k}, desc: o.Direction == entgql.OrderDirectionDesc}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// newPage checks first, last and the cursors against the limits.
func (r *Resolver) newPage(first *int, after *string, last *int, before *string) (page, error) {
	var p page
	switch {
	case first != nil && last != nil:
		return p, badInput("pass first or last, not both")
	case first != nil && (*first < 0 || *first > r.limits.MaxPageSize):
		return p, badInput(fmt.Sprintf("first must be between 0 and %d", r.limits.MaxPageSize))
	case last != nil && (*last < 0 || *last > r.limits.MaxPageSize):
		return p, badInput(fmt.Sprintf("last must be between 0 and %d", r.limits.MaxPageSize))
	}
	p.first, p.last = first, last
	if first == nil && last == nil {
		n := r.limits.DefaultPageSize
		p.first = &n
	}
	var err error
	if p.after, err = decodeCursor(after); err != nil {
		return p, err
	}
	if p.before, err = decodeCursor(before); err != nil {
		return p, err
	}
	return p, nil
}

// pageSize checks the first argument of a list paged by id, whose page
// has the default size when first is not given.
func (r *Resolver) pageSize(first *int) (int, error) {
	n := r.limits.DefaultPageSize
	if first != nil {
		n = *first
	}
	if n < 0 || n > r.limits.MaxPageSize {
		return 0, badInput(fmt.Sprintf("first must be between 0 and %d", r.limits.MaxPageSize))
	}
	return n, nil
}

func decodeCursor(s *string) (*cursor, error) {
	if s == nil {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*s)
	if err != nil {
		return nil, badInput("malformed cursor")
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" {
		return nil, badInput("malformed cursor")
	}
	return &c, nil
}

func (o ordering) cursorOf(p *ent.Person) string {
	c := cursor{ID: p.ID, Values: make([]string, len(o.keys))}
	for i, k := range o.keys {
		c.Values[i] = k.value(p)
	}
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// orderBy orders a query by the keys then the id, reversed when reverse.
func (o ordering) orderBy(reverse bool) func(*sql.Selector) {
	dir := "ASC"
	if o.desc != reverse {
		dir = "DESC"
	}
	return func(s *sql.Selector) {
		s.OrderExprFunc(func(b *sql.Builder) {
			for _, k := range o.keys {
				b.WriteString("COALESCE(").Ident(k.column).WriteString(", '') " + dir + ", ")
			}
			b.Ident(person.FieldID).WriteString(" " + dir)
		})
	}
}

// beyond selects the rows after c in the order, or before it when reverse.
func (o ordering) beyond(c *cursor, reverse bool) (func(*sql.Selector), error) {
	if len(c.Values) != len(o.keys) {
		return nil, badInput("the cursor belongs to another order")
	}
	op := sql.OpGT
	if o.desc != reverse {
		op = sql.OpLT
	}
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			// k1 > v1 OR (k1 = v1 AND (k2 > v2 OR (k2 = v2 AND id > vid)))
			for i, k := range o.keys {
				b.WriteString("(COALESCE(").Ident(k.column).WriteString(", '')").
					WriteOp(op).Arg(c.Values[i]).WriteString(" OR (COALESCE(").
					Ident(k.column).WriteString(", '')").WriteOp(sql.OpEQ).Arg(c.Values[i]).
					WriteString(" AND ")
			}
			b.Ident(person.FieldID).WriteOp(op).Arg(c.ID)
			for range o.keys {
				b.WriteString("))")
			}
		}))
	}, nil
}

// paginate returns one page of the people q selects, in the given order.
// The count of the whole list runs only when totalCount is selected.
func paginate(ctx context.Context, q *ent.PersonQuery, o ordering, p page) (
	*model.PersonConnection, error,
) {
	count := q.Clone()
	conn := &model.PersonConnection{
		PageInfo: &model.PageInfo{},
		Count:    func() (int, error) { return count.Count(ctx) },
	}
	reverse := p.last != nil
	limit := deref0(p.first)
	if reverse {
		limit = *p.last
	}
	if limit == 0 {
		conn.Edges = []*model.PersonEdge{}
		return conn, nil
	}
	for _, c := range []struct {
		at      *cursor
		reverse bool
	}{{p.after, false}, {p.before, true}} {
		if c.at == nil {
			continue
		}
		pred, err := o.beyond(c.at, c.reverse)
		if err != nil {
			return nil, err
		}
		q = q.Where(pred)
	}
	rows, err := q.Order(o.orderBy(reverse)).Limit(limit + 1).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("page people: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if reverse {
		slices.Reverse(rows)
		conn.PageInfo.HasPreviousPage, conn.PageInfo.HasNextPage = more, p.before != nil
	} else {
		conn.PageInfo.HasNextPage, conn.PageInfo.HasPreviousPage = more, p.after != nil
	}
	conn.Edges = make([]*model.PersonEdge, len(rows))
	for i, row := range rows {
		conn.Edges[i] = &model.PersonEdge{Node: row, Cursor: o.cursorOf(row)}
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

func deref0(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
