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
	ins := entsql.Dialect(a.dialect).Insert(person.Table).Columns(personColumns...)
	for _, w := range ws {
		r := w.rec
		ins.Values(
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
	return a.exec(ctx, ins)
}

// insertEvents appends one batch of change events to the log.
func (a *applier) insertEvents(ctx context.Context, rows []eventRow) error {
	ins := entsql.Dialect(a.dialect).Insert(event.Table).Columns(
		event.FieldType, event.FieldPersonID, event.FieldSyncRunID, event.FieldOccurredAt,
		event.FieldChangedFields, event.FieldPayload, event.FieldOffsetDays,
	)
	for _, r := range rows {
		ins.Values(string(r.typ), r.personID, a.runID, a.now,
			jsonOrNull(r.fields), string(r.payload), 0)
	}
	return a.exec(ctx, ins)
}

// customValueRow is one custom value to write.
type customValueRow struct {
	personID string
	v        customValue
}

// upsertCustomValues inserts or updates one batch of custom values.
func (a *applier) upsertCustomValues(ctx context.Context, rows []customValueRow) error {
	ins := entsql.Dialect(a.dialect).Insert(customfieldvalue.Table).Columns(
		customfieldvalue.FieldID, customfieldvalue.FieldPersonID,
		customfieldvalue.FieldDefinitionID, customfieldvalue.FieldValue,
		customfieldvalue.FieldItems, customfieldvalue.FieldIsList,
	)
	for _, r := range rows {
		ins.Values(schema.CustomValueID(r.personID, r.v.DefID), r.personID, r.v.DefID,
			r.v.Value, jsonOrNull(r.v.Items), r.v.List)
	}
	ins.OnConflict(
		entsql.ConflictColumns(customfieldvalue.FieldID),
		entsql.ResolveWith(func(u *entsql.UpdateSet) {
			u.SetExcluded(customfieldvalue.FieldValue)
			u.SetExcluded(customfieldvalue.FieldItems)
			u.SetExcluded(customfieldvalue.FieldIsList)
		}),
	)
	return a.exec(ctx, ins)
}

func (a *applier) exec(ctx context.Context, ins *entsql.InsertBuilder) error {
	query, args, err := ins.QueryErr()
	if err != nil {
		return err
	}
	_, err = a.tx.ExecContext(ctx, query, args...)
	return err
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
