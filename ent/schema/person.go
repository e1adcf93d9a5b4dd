package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Person is one member of the directory, identified by the Humaans person id.
// A person who left is kept with departed_at set; queries for the current
// directory filter on departed_at IS NULL.
type Person struct {
	ent.Schema
}

// Annotations exposes people as a Relay connection at the query root.
func (Person) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField(),
	}
}

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable().
			Comment("The Humaans person id."),
		field.String("employee_id").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipType)).
			Comment("The company's own employee number; the graph names it employeeId."),
		field.String("first_name").Default("").
			Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("last_name").Default("").
			Annotations(entgql.OrderField("LAST_NAME")),
		field.String("preferred_name").Optional().Nillable(),
		field.String("work_email").Optional().Nillable().
			Validate(validateEmail).
			Annotations(entgql.OrderField("WORK_EMAIL")).
			Comment("Trimmed and lower-cased; unique among people not departed."),
		field.String("job_title").Optional().Nillable(),
		field.String("department").Optional().Nillable(),
		field.JSON("teams", []string{}).Optional(),
		field.String("employment_type").Optional().Nillable(),
		field.Enum("status").Values("ACTIVE", "PRE_HIRE", "OFFBOARDED"),
		dateField("start_date", entgql.OrderField("START_DATE")),
		dateField("end_date"),
		dateField("probation_end_date"),
		dateField("date_of_birth"),
		field.Bool("birthday_hidden").Default(false),
		field.String("timezone").Optional().Nillable().
			Comment("The person's own IANA time zone, when Humaans has one."),
		field.String("manager_id").Optional().Nillable(),
		field.String("location_id").Optional().Nillable(),
		field.String("legal_entity_id").Optional().Nillable(),
		field.Time("departed_at").Optional().Nillable().
			Annotations(entgql.Type(gqlDateTime)).
			Comment("When the sync found the person gone; NULL for current people."),
		field.Time("created_at").Default(time.Now).Immutable().
			Annotations(entgql.Type(gqlDateTime)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Annotations(entgql.Type(gqlDateTime)),
		field.String("sync_hash").Default("").
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("Digest of the synced fields, to detect unchanged records cheaply."),
	}
}

// Edges of the Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("direct_reports", Person.Type).
			Annotations(entgql.RelayConnection()).
			From("manager").
			Unique().
			Field("manager_id"),
		edge.From("location", Location.Type).
			Ref("people").
			Unique().
			Field("location_id"),
		edge.From("legal_entity", LegalEntity.Type).
			Ref("people").
			Unique().
			Field("legal_entity_id"),
		edge.To("custom_values", CustomFieldValue.Type),
		edge.To("email_aliases", EmailAlias.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("events", Event.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("work_email").
			Unique().
			Annotations(entsql.IndexWhere("departed_at IS NULL")),
		index.Fields("manager_id"),
		index.Fields("location_id"),
		index.Fields("legal_entity_id"),
		index.Fields("department"),
		index.Fields("status"),
		index.Fields("start_date"),
		index.Fields("departed_at"),
	}
}
