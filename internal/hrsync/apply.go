package hrsync

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/customfielddefinition"
	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
	"github.com/peoplegraph/peoplegraph/ent/emailalias"
	"github.com/peoplegraph/peoplegraph/ent/legalentity"
	"github.com/peoplegraph/peoplegraph/ent/location"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// applier writes one plan inside one transaction.
type applier struct {
	tx      *ent.Tx
	plan    *plan
	runID   int
	now     time.Time
	batch   int
	dialect string
	logger  *slog.Logger
	// texts holds the bulk statements' texts built so far.
	texts map[bulkKey]string
}

// chunks calls fn on consecutive slices of xs of at most n elements.
func chunks[T any](xs []T, n int, fn func([]T) error) error {
	for len(xs) > 0 {
		k := min(n, len(xs))
		if err := fn(xs[:k]); err != nil {
			return err
		}
		xs = xs[k:]
	}
	return nil
}

func (a *applier) apply(ctx context.Context) error {
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"catalogue", a.catalogue},
		{"departures", a.markDepartures},
		{"released emails", a.releaseEmails},
		{"people", a.people},
		{"digests", a.digests},
		{"custom values", a.customValues},
		{"email aliases", a.aliases},
		{"events", a.events},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("write %s: %w", s.name, err)
		}
		a.logger.Debug("sync step written", "step", s.name, "duration", time.Since(start))
	}
	return nil
}

func (a *applier) catalogue(ctx context.Context) error {
	p := a.plan
	err := chunks(p.locations, a.batch, func(ls []humaans.Location) error {
		b := make([]*ent.LocationCreate, len(ls))
		for i, l := range ls {
			b[i] = a.tx.Location.Create().SetID(l.ID).SetLabel(l.Label).
				SetNillableCity(optional(l.City)).SetNillableCountry(optional(l.Country)).
				SetNillableTimezone(optional(l.Timezone))
		}
		return a.tx.Location.CreateBulk(b...).OnConflictColumns(location.FieldID).
			UpdateNewValues().Exec(ctx)
	})
	if err != nil {
		return err
	}
	err = chunks(p.entities, a.batch, func(cs []humaans.Company) error {
		b := make([]*ent.LegalEntityCreate, len(cs))
		for i, c := range cs {
			b[i] = a.tx.LegalEntity.Create().SetID(c.ID).SetName(c.Name)
		}
		return a.tx.LegalEntity.CreateBulk(b...).OnConflictColumns(legalentity.FieldID).
			UpdateNewValues().Exec(ctx)
	})
	if err != nil {
		return err
	}
	return chunks(p.defs, a.batch, func(fs []humaans.CustomField) error {
		b := make([]*ent.CustomFieldDefinitionCreate, len(fs))
		for i, f := range fs {
			b[i] = a.tx.CustomFieldDefinition.Create().SetID(f.ID).SetName(f.Name).
				SetSection(f.Section).SetType(f.Type).SetConfig(f.Config).
				SetSelected(p.newlySelected[f.ID])
		}
		// Selection is the operator's: an upsert never touches it.
		return a.tx.CustomFieldDefinition.CreateBulk(b...).
			OnConflictColumns(customfielddefinition.FieldID).
			Update(func(u *ent.CustomFieldDefinitionUpsert) {
				u.UpdateName()
				u.UpdateSection()
				u.UpdateType()
				u.UpdateConfig()
			}).Exec(ctx)
	})
}

// markDepartures sets departed_at first, so that the work emails of people
// leaving are free for anyone taking them over in the same sync.
func (a *applier) markDepartures(ctx context.Context) error {
	var ids []string
	for _, w := range a.plan.writes {
		if w.kind == kindDepart {
			ids = append(ids, w.rec.ID)
		}
	}
	return chunks(ids, a.batch, func(ids []string) error {
		return a.tx.Person.Update().Where(person.IDIn(ids...)).
			SetDepartedAt(a.now).Exec(ctx)
	})
}

// releaseEmails clears the addresses of people whose email changes, so that
// addresses can move between people (even swap) within one sync.
func (a *applier) releaseEmails(ctx context.Context) error {
	var ids []string
	for _, w := range a.plan.writes {
		if w.old != nil && w.old.rec.WorkEmail != "" && w.old.rec.WorkEmail != w.rec.WorkEmail {
			ids = append(ids, w.rec.ID)
		}
	}
	return chunks(ids, a.batch, func(ids []string) error {
		return a.tx.Person.Update().Where(person.IDIn(ids...)).ClearWorkEmail().Exec(ctx)
	})
}

// people upserts every written person. Writes come managers first, and
// foreign keys are checked at the end of each statement on both databases,
// so a manager is always in the same or an earlier batch than their reports.
func (a *applier) people(ctx context.Context) error {
	return chunks(a.plan.writes, a.batch, func(ws []*personWrite) error {
		return a.upsertPeople(ctx, ws)
	})
}

// digests refreshes stale digests of unchanged people, without an event.
func (a *applier) digests(ctx context.Context) error {
	return chunks(a.plan.rehash, a.batch, func(ws []*personWrite) error {
		return a.rehashPeople(ctx, ws)
	})
}

// customValues deletes the values that are gone and upserts the new or
// changed ones, a batch at a time so that a large company's values are
// never all held as statements at once.
func (a *applier) customValues(ctx context.Context) error {
	var (
		gone    []string
		pending []customValueRow
	)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		err := a.upsertCustomValues(ctx, pending)
		pending = pending[:0]
		return err
	}
	for _, w := range a.plan.writes {
		var old customValues
		if w.old != nil {
			old = w.old.rec.Custom
		}
		for _, o := range old {
			if _, keep := w.rec.Custom.get(o.DefID); !keep {
				gone = append(gone, schema.CustomValueID(w.rec.ID, o.DefID))
			}
		}
		for _, v := range w.rec.Custom {
			if o, ok := old.get(v.DefID); ok && o.equal(v) {
				continue
			}
			pending = append(pending, customValueRow{personID: w.rec.ID, v: v})
			if len(pending) == a.batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return chunks(gone, a.batch, func(ids []string) error {
		_, err := a.tx.CustomFieldValue.Delete().Where(customfieldvalue.IDIn(ids...)).Exec(ctx)
		return err
	})
}

// aliases keeps every replaced work email as an alias of its person.
func (a *applier) aliases(ctx context.Context) error {
	owner := make(map[string]string)
	var order []string
	for _, w := range a.plan.writes {
		if w.old == nil || w.old.rec.WorkEmail == "" || w.old.rec.WorkEmail == w.rec.WorkEmail {
			continue
		}
		if _, dup := owner[w.old.rec.WorkEmail]; !dup {
			order = append(order, w.old.rec.WorkEmail)
		}
		owner[w.old.rec.WorkEmail] = w.rec.ID
	}
	return chunks(order, a.batch, func(emails []string) error {
		b := make([]*ent.EmailAliasCreate, len(emails))
		for i, e := range emails {
			b[i] = a.tx.EmailAlias.Create().SetEmail(e).SetPersonID(owner[e]).SetCreatedAt(a.now)
		}
		return a.tx.EmailAlias.CreateBulk(b...).OnConflictColumns(emailalias.FieldEmail).
			Update(func(u *ent.EmailAliasUpsert) { u.UpdatePersonID() }).Exec(ctx)
	})
}

// events appends the change events of the person writes, a batch at a
// time, so that a large sync never holds all of its events at once.
func (a *applier) events(ctx context.Context) error {
	// Batches are exactly full where they can be, so that they run on the
	// statement the connection keeps prepared.
	rows := make([]eventRow, 0, a.batch+1)
	for _, w := range a.plan.writes {
		rows = appendEvents(rows, w)
		for len(rows) >= a.batch {
			if err := a.insertEvents(ctx, rows[:a.batch]); err != nil {
				return err
			}
			rows = rows[:copy(rows, rows[a.batch:])]
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return a.insertEvents(ctx, rows)
}
