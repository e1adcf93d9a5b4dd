package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Problem kinds a sync reports about upstream data.
const (
	ProblemNoWorkEmail     = "NO_WORK_EMAIL"
	ProblemUnknownManager  = "UNKNOWN_MANAGER"
	ProblemReportingLoop   = "REPORTING_LOOP"
	ProblemDuplicateEmail  = "DUPLICATE_EMAIL"
	ProblemUnknownLocation = "UNKNOWN_LOCATION"
	ProblemUnknownEntity   = "UNKNOWN_LEGAL_ENTITY"
	ProblemInvalidTimezone = "INVALID_TIMEZONE"
	ProblemUnknownStatus   = "UNKNOWN_STATUS"
)

// Problem is a data problem a sync run found in Humaans: something an
// operator should fix upstream.
type Problem struct {
	Kind     string `json:"kind"`
	PersonID string `json:"personId,omitempty"`
	Email    string `json:"email,omitempty"`
	Message  string `json:"message"`
}

// SyncRun records one directory sync: what started it, how it ended, the
// counts of what changed and the data problems it met.
type SyncRun struct {
	ent.Schema
}

// Annotations keeps runs out of the generated graph; the graph declares its
// own SyncRun type over this entity, since its ids are integers.
func (SyncRun) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Fields of the SyncRun.
func (SyncRun) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("trigger").Values("SCHEDULE", "STARTUP", "MANUAL", "WEBHOOK", "APPROVAL"),
		field.Enum("status").
			Values("RUNNING", "SUCCEEDED", "FAILED", "HELD", "APPROVED", "DISCARDED").
			Default("RUNNING"),
		field.Time("started_at").Default(time.Now).Immutable(),
		field.Time("finished_at").Optional().Nillable(),
		field.Int("added").Default(0),
		field.Int("updated").Default(0),
		field.Int("departed").Default(0),
		field.Int("unchanged").Default(0),
		field.Int("skipped").Default(0),
		field.JSON("problems", []Problem{}).Optional(),
		field.Text("error").Optional().Nillable(),
		field.Text("held_reason").Optional().Nillable(),
	}
}

// Edges of the SyncRun.
func (SyncRun) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("events", Event.Type),
	}
}

// Indexes of the SyncRun.
func (SyncRun) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status"),
		index.Fields("started_at"),
	}
}
