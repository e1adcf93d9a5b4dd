package graph

import (
	"entgo.io/ent/dialect/sql"

	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/predicate"
)

// reportsOf selects the current people below root in the org chart, with
// one recursive query. UNION (not UNION ALL) drops rows already found,
// which ends the recursion on a reporting loop; root itself is left out.
func reportsOf(root string) predicate.Person {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.Ident(person.FieldID).WriteString(" IN (WITH RECURSIVE below(id) AS (SELECT ").
				Ident(person.FieldID).WriteString(" FROM ").Ident(person.Table).
				WriteString(" WHERE ").Ident(person.FieldManagerID).WriteOp(sql.OpEQ).Arg(root).
				WriteString(" UNION SELECT p.").Ident(person.FieldID).WriteString(" FROM ").
				Ident(person.Table).WriteString(" p JOIN below ON p.").
				Ident(person.FieldManagerID).WriteString(" = below.id) SELECT id FROM below)")
		}))
		s.Where(sql.And(
			sql.NEQ(s.C(person.FieldID), root),
			sql.IsNull(s.C(person.FieldDepartedAt)),
		))
	}
}
