package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// LegalEntity is a Humaans company: the legal employer of a person.
type LegalEntity struct {
	ent.Schema
}

// Fields of the LegalEntity.
func (LegalEntity) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable().
			Comment("The Humaans company id."),
		field.String("name").Default(""),
	}
}

// Edges of the LegalEntity.
func (LegalEntity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("people", Person.Type),
	}
}
