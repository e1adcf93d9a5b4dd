package schema

import (
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CustomFieldDefinition is one field of the company's custom field catalogue.
// Only selected definitions have their values synced.
type CustomFieldDefinition struct {
	ent.Schema
}

// Fields of the CustomFieldDefinition.
func (CustomFieldDefinition) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable().
			Comment("The Humaans custom field id."),
		field.String("name").Default(""),
		field.String("section").Default(""),
		field.String("type").Default(""),
		field.JSON("config", json.RawMessage{}).Optional().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("The field's configuration as Humaans sends it, such as its choices."),
		field.Bool("selected").Default(false).
			Comment("Whether the sync copies this field's values."),
	}
}

// Edges of the CustomFieldDefinition.
func (CustomFieldDefinition) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("values", CustomFieldValue.Type),
	}
}

// CustomFieldValue is one person's value of one selected custom field. Its id
// is "<person id>/<custom field id>", which makes upserts idempotent.
type CustomFieldValue struct {
	ent.Schema
}

// Fields of the CustomFieldValue.
func (CustomFieldValue) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable(),
		field.String("person_id"),
		field.String("definition_id"),
		field.String("value").Default("").
			Comment("The display value; list values are joined with \", \"."),
		field.JSON("items", []string{}).Optional(),
		field.Bool("is_list").Default(false),
	}
}

// Edges of the CustomFieldValue.
func (CustomFieldValue) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("custom_values").
			Unique().
			Required().
			Field("person_id"),
		edge.From("definition", CustomFieldDefinition.Type).
			Ref("values").
			Unique().
			Required().
			Field("definition_id"),
	}
}

// Indexes of the CustomFieldValue.
func (CustomFieldValue) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "definition_id").Unique(),
		index.Fields("definition_id"),
	}
}

// CustomValueID returns the id of a person's value of a custom field.
func CustomValueID(personID, definitionID string) string {
	return personID + "/" + definitionID
}
