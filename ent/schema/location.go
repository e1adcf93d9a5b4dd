package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Location is a Humaans place of work.
type Location struct {
	ent.Schema
}

// Fields of the Location.
func (Location) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable().
			Comment("The Humaans location id."),
		field.String("label").Default(""),
		field.String("city").Optional().Nillable(),
		field.String("country").Optional().Nillable(),
		field.String("timezone").Optional().Nillable().
			Comment("IANA time zone of the place."),
	}
}

// Edges of the Location.
func (Location) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("people", Person.Type),
	}
}
