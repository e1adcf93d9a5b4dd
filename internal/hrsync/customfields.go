package hrsync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/peoplegraph/peoplegraph/ent/customfielddefinition"
	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
	"github.com/peoplegraph/peoplegraph/internal/store"
)

// SelectCustomFields sets which custom fields sync, by id or by name
// (case-insensitive): exactly these become selected. Values of fields that
// stop being selected are removed at once; values of newly selected fields
// arrive with the next sync. Unknown names fail the whole call.
func (e *Engine) SelectCustomFields(ctx context.Context, names []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	tx, err := e.db.Client.Tx(ctx)
	if err != nil {
		return fmtErr("select custom fields", err)
	}
	defs, err := tx.CustomFieldDefinition.Query().All(ctx)
	if err != nil {
		return store.Rollback(tx, fmtErr("read custom fields", err))
	}
	want := make(map[string]bool)
	var unknown []string
	for _, n := range names {
		found := false
		for _, d := range defs {
			if namesField(n, d.ID, d.Name) {
				want[d.ID], found = true, true
			}
		}
		if !found {
			unknown = append(unknown, fmt.Sprintf("%q", n))
		}
	}
	if len(unknown) > 0 {
		return store.Rollback(tx, fmt.Errorf("%w: %s", ErrUnknownCustomField, strings.Join(unknown, ", ")))
	}
	var on, off []string
	for _, d := range defs {
		if want[d.ID] {
			on = append(on, d.ID)
		} else {
			off = append(off, d.ID)
		}
	}
	err = errors.Join(
		tx.CustomFieldDefinition.Update().Where(customfielddefinition.IDIn(on...)).
			SetSelected(true).Exec(ctx),
		tx.CustomFieldDefinition.Update().Where(customfielddefinition.IDIn(off...)).
			SetSelected(false).Exec(ctx),
	)
	if err == nil {
		_, err = tx.CustomFieldValue.Delete().
			Where(customfieldvalue.DefinitionIDIn(off...)).Exec(ctx)
	}
	if err != nil {
		return store.Rollback(tx, fmtErr("select custom fields", err))
	}
	if err := tx.Commit(); err != nil {
		return fmtErr("select custom fields", err)
	}
	e.logger.Info("custom fields selected", "selected", len(on))
	return nil
}

// namesField reports whether n, as an operator wrote it, names the custom
// field with this id and name: its id, or its name ignoring case and
// surrounding space.
func namesField(n, id, name string) bool {
	return n == id || strings.EqualFold(strings.TrimSpace(n), name)
}
