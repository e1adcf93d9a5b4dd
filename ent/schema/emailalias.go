package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// EmailAlias is a former work email of a person. It keeps resolving to that
// person after the address changes in Humaans.
type EmailAlias struct {
	ent.Schema
}

// Annotations keeps aliases out of the generated graph; they are reached
// through email lookups only.
func (EmailAlias) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Fields of the EmailAlias.
func (EmailAlias) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().Validate(validateEmail),
		field.String("person_id"),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

// Edges of the EmailAlias.
func (EmailAlias) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("email_aliases").
			Unique().
			Required().
			Field("person_id"),
	}
}
