package hrsync

import (
	"context"
	"encoding/json"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// The large writes of a sync, people, custom values and events, are sent as plain
// multi-row INSERT statements built with ent's SQL builder. Going through
// ent's bulk builders costs a mutation, a field map and a RETURNING scan
// per row, which doubled the time of a first sync; these statements write
// the same columns ent's schema declares and work on both dialects.

// personColumns are the person columns a sync writes, in statement order.
var personColumns = []string{
	person.FieldID, person.FieldEmployeeID, person.FieldFirstName, person.FieldLastName,
	person.FieldPreferredName, person.FieldWorkEmail, person.FieldJobTitle,
	person.FieldDepartment, person.FieldTeams, person.FieldEmploymentType, person.FieldStatus,
	person.FieldStartDate, person.FieldEndDate, person.FieldProbationEndDate,
	person.FieldDateOfBirth, person.FieldBirthdayHidden, person.FieldTimezone,
	person.FieldManagerID, person.FieldLocationID, person.FieldLegalEntityID,
	person.FieldDepartedAt, person.FieldCreatedAt, person.FieldUpdatedAt, person.FieldSyncHash,
}

// upsertPeople inserts or updates one batch of people; on conflict every
// column but the id and the creation time takes the new value.
func (a *applier) upsertPeople(ctx context.Context, ws []*personWrite) error {
	args := make([]any, 0, len(ws)*len(personColumns))
	for _, w := range ws {
		r := w.rec
		args = append(args,
			r.ID, nullable(r.EmployeeID), r.FirstName, r.LastName,
			nullable(r.PreferredName), nullable(r.WorkEmail), nullable(r.JobTitle),
			nullable(r.Department), jsonOrNull(r.Teams), nullable(r.EmploymentType),
			string(r.Status),
			dateOrNull(r.StartDate), dateOrNull(r.EndDate), dateOrNull(r.ProbationEnd),
			dateOrNull(r.DateOfBirth), r.BirthdayHidden, nullable(r.Timezone),
			nullable(r.ManagerID), nullable(r.LocationID), nullable(r.LegalEntityID),
			timeOrNull(w.departedAt), a.now, a.now, w.hash,
		)
	}
	return a.exec(ctx, person.Table, len(ws), args, func() *entsql.InsertBuilder {
		ins := entsql.Dialect(a.dialect).Insert(person.Table).Columns(personColumns...)
		ins.OnConflict(
			entsql.ConflictColumns(person.FieldID),
			entsql.ResolveWith(func(u *entsql.UpdateSet) {
				for _, c := range personColumns {
					if c != person.FieldID && c != person.FieldCreatedAt {
						u.SetExcluded(c)
					}
				}
			}),
		)
		return ins
	})
}

// rehashPeople stores the digests of one batch of unchanged people with one
// UPDATE, and stamps updated_at as every person write does. Deselecting a
// custom field makes the digest of everyone who had a value stale, and a
// statement per person took seconds for a large company on Postgres.
func (a *applier) rehashPeople(ctx context.Context, ws []*personWrite) error {
	ids := make([]any, len(ws))
	for i, w := range ws {
		ids[i] = w.rec.ID
	}
	digest := entsql.ExprFunc(func(b *entsql.Builder) {
		b.WriteString("CASE ").Ident(person.FieldID)
		for _, w := range ws {
			b.WriteString(" WHEN ").Arg(w.rec.ID).WriteString(" THEN ").Arg(w.hash)
		}
		b.WriteString(" END")
	})
	query, args := entsql.Dialect(a.dialect).Update(person.Table).
		Set(person.FieldSyncHash, digest).Set(person.FieldUpdatedAt, a.now).
		Where(entsql.In(person.FieldID, ids...)).Query()
	_, err := a.tx.ExecContext(ctx, query, args...)
	return err
}

// eventColumns are the event columns a sync writes, in statement order.
var eventColumns = []string{
	event.FieldType, event.FieldPersonID, event.FieldSyncRunID, event.FieldOccurredAt,
	event.FieldChangedFields, event.FieldPayload, event.FieldOffsetDays,
}

// insertEvents appends one batch of change events to the log.
func (a *applier) insertEvents(ctx context.Context, rows []eventRow) error {
	args := make([]any, 0, len(rows)*len(eventColumns))
	for _, r := range rows {
		args = append(args, string(r.typ), r.personID, a.runID, a.now,
			jsonOrNull(r.fields), string(r.payload), 0)
	}
	return a.exec(ctx, event.Table, len(rows), args, func() *entsql.InsertBuilder {
		return entsql.Dialect(a.dialect).Insert(event.Table).Columns(eventColumns...)
	})
}

// customValueRow is one custom value to write.
type customValueRow struct {
	personID string
	v        customValue
}

// customValueColumns are the custom value columns a sync writes.
var customValueColumns = []string{
	customfieldvalue.FieldID, customfieldvalue.FieldPersonID,
	customfieldvalue.FieldDefinitionID, customfieldvalue.FieldValue,
	customfieldvalue.FieldItems, customfieldvalue.FieldIsList,
}

// upsertCustomValues inserts or updates one batch of custom values.
func (a *applier) upsertCustomValues(ctx context.Context, rows []customValueRow) error {
	args := make([]any, 0, len(rows)*len(customValueColumns))
	for _, r := range rows {
		args = append(args, schema.CustomValueID(r.personID, r.v.DefID), r.personID, r.v.DefID,
			r.v.Value, jsonOrNull(r.v.Items), r.v.List)
	}
	return a.exec(ctx, customfieldvalue.Table, len(rows), args, func() *entsql.InsertBuilder {
		ins := entsql.Dialect(a.dialect).Insert(customfieldvalue.Table).
			Columns(customValueColumns...)
		ins.OnConflict(
			entsql.ConflictColumns(customfieldvalue.FieldID),
			entsql.ResolveWith(func(u *entsql.UpdateSet) {
				u.SetExcluded(customfieldvalue.FieldValue)
				u.SetExcluded(customfieldvalue.FieldItems)
				u.SetExcluded(customfieldvalue.FieldIsList)
			}),
		)
		return ins
	})
}

// bulkKey names the text of a bulk statement: its table and row count.
type bulkKey struct {
	table string
	rows  int
}

// exec runs a multi-row INSERT of rows rows into table with args, a row's
// values after another. Its text has a placeholder for every value, NULLs
// included, so that it depends on the row count alone: it is built once per
// sync and row count from base, the statement without values, and a full
// batch runs on the statement the connection keeps prepared.
func (a *applier) exec(ctx context.Context, table string, rows int, args []any,
	base func() *entsql.InsertBuilder) error {
	key := bulkKey{table, rows}
	query, ok := a.texts[key]
	if !ok {
		var err error
		if query, err = bulkText(base(), rows, len(args)/rows); err != nil {
			return err
		}
		if a.texts == nil {
			a.texts = map[bulkKey]string{}
		}
		a.texts[key] = query
	}
	if rows == a.batch {
		ctx = store.ReuseStatements(ctx)
	}
	_, err := a.tx.ExecContext(ctx, query, args...)
	return err
}

// bulkText completes ins with rows rows of cols placeholders and returns its
// text. The builder writes a literal NULL for a nil value and a placeholder
// for anything else, so any non-nil value stands in.
func bulkText(ins *entsql.InsertBuilder, rows, cols int) (string, error) {
	row := make([]any, cols)
	for i := range row {
		row[i] = 0
	}
	for range rows {
		ins.Values(row...)
	}
	query, _, err := ins.QueryErr()
	return query, err
}

// nullable binds the empty string as NULL. Plain strings and nil bind
// without the reflection database/sql spends on pointer arguments.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateOrNull binds a date as its stored text, or NULL for the zero date.
func dateOrNull(d civil.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// timeOrNull binds a time, or NULL.
func timeOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// jsonOrNull encodes a list as JSON text, or NULL when it is empty.
func jsonOrNull(list []string) any {
	if len(list) == 0 {
		return nil
	}
	b, _ := json.Marshal(list) // a []string always encodes
	return string(b)
}
