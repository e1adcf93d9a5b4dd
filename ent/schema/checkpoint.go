package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Checkpoint records how far a periodic job has run, so that a restart
// resumes where the last successful run stopped. Lifecycle evaluation keeps
// one row, with the id "lifecycle".
type Checkpoint struct {
	ent.Schema
}

// Annotations keeps checkpoints out of the graph: they are bookkeeping.
func (Checkpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Fields of the Checkpoint.
func (Checkpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().Immutable().
			Comment("The job the checkpoint belongs to."),
		field.Time("reached_at").
			Comment("The clock reading of the job's last successful run: the work " +
				"up to this instant is done."),
		field.Time("people_created_at").Optional().Nillable().
			Comment("The latest person creation time that run had in view; people " +
				"created later are new to the next run. NULL when there were none."),
	}
}
