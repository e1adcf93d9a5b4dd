package schema

import (
	"encoding/json"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Event is one entry of the event log: a directory change written by a sync,
// or a lifecycle occurrence. Its id is the log's cursor and only grows.
type Event struct {
	ent.Schema
}

// Annotations keeps events out of the generated graph; the graph declares its
// own event types over this entity, paged by the integer cursor.
func (Event) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Fields of the Event.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").Values(
			"PERSON_ADDED", "PERSON_UPDATED", "MANAGER_CHANGED",
			"PERSON_DEPARTED", "PERSON_RESTORED",
			"START_DATE", "END_DATE", "PROBATION_END", "WORK_ANNIVERSARY", "BIRTHDAY",
		),
		field.String("person_id").Optional().Nillable(),
		field.Int("sync_run_id").Optional().Nillable(),
		field.Time("occurred_at").Default(time.Now).Immutable(),
		field.JSON("changed_fields", []string{}).Optional(),
		field.JSON("payload", json.RawMessage{}).Optional().
			Comment("Event details, such as the old and new manager ids."),
		field.String("occurrence_key").Optional().Nillable().Unique().
			Comment("Identity of a lifecycle occurrence, so that it is stored once."),
		field.String("local_date").GoType(civil.Date{}).Optional().Nillable().
			Comment("The person's local calendar day a lifecycle event falls on."),
		field.Int("offset_days").Default(0),
	}
}

// Edges of the Event.
func (Event) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("events").
			Unique().
			Field("person_id"),
		edge.From("sync_run", SyncRun.Type).
			Ref("events").
			Unique().
			Field("sync_run_id"),
	}
}

// Indexes of the Event.
func (Event) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("type", "id"),
		index.Fields("person_id", "id"),
	}
}
