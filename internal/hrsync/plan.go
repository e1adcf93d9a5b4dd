package hrsync

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// writeKind classifies a person row a sync writes.
type writeKind int

const (
	kindAdd writeKind = iota
	kindUpdate
	kindDepart
	kindRestore
	// kindImport is an offboarded person stored for the first time because
	// offboarded people are included: no event, since nothing changed.
	kindImport
)

// personWrite is one person row to insert or update.
type personWrite struct {
	kind           writeKind
	rec            *record
	old            *storedPerson
	departedAt     *time.Time
	hash           string
	changes        []change
	managerChanged bool
	// reason says why a person departs: "offboarded" or "missing".
	reason string
}

// plan is the whole diff between the stored and the desired directory.
type plan struct {
	writes []*personWrite
	// rehash holds unchanged people whose stored digest is stale.
	rehash    []*personWrite
	unchanged int
	skipped   int
	problems  []schema.Problem
	// listed counts the people the snapshot listed.
	listed int

	locations []humaans.Location
	entities  []humaans.Company
	defs      []humaans.CustomField
	// defNames maps custom field ids to names, for event field names.
	defNames map[string]string
	hasher   hasher
	// newlySelected holds custom fields selected as they enter the catalogue.
	newlySelected map[string]bool
}

// counts returns added, updated and departed as a run records them.
func (p *plan) counts() (added, updated, departed int) {
	for _, w := range p.writes {
		switch w.kind {
		case kindAdd, kindRestore, kindImport:
			added++
		case kindUpdate:
			updated++
		case kindDepart:
			departed++
		}
	}
	return added, updated, departed
}

// empty reports whether applying the plan would change nothing.
func (p *plan) empty() bool {
	return len(p.writes) == 0 && len(p.rehash) == 0 && len(p.locations) == 0 &&
		len(p.entities) == 0 && len(p.defs) == 0
}

// diff compares the desired directory with the stored one.
func diff(st *state, want *desired, snap *humaans.Snapshot, fullReconcile bool,
	now time.Time,
) *plan {
	p := &plan{skipped: want.skipped, problems: want.problems, listed: want.listed,
		defNames: map[string]string{}}
	for id, d := range st.defs {
		p.defNames[id] = d.Name
	}
	for _, f := range snap.CustomFields {
		p.defNames[f.ID] = f.Name
	}
	ids := make([]string, 0, len(want.people))
	for id := range want.people {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p.person(want.people[id], st.people[id], now)
	}
	if fullReconcile {
		p.missing(st, want, now)
	}
	p.catalogue(st, snap)
	p.managersFirst()
	return p
}

// managersFirst orders the writes so that everyone comes after their
// manager when both are written: by depth in the written part of the org
// chart, then by id. The chart has no loops by now; a guard stops the walk
// should one remain.
func (p *plan) managersFirst() {
	byID := make(map[string]*personWrite, len(p.writes))
	for _, w := range p.writes {
		byID[w.rec.ID] = w
	}
	depth := make(map[string]int, len(p.writes))
	var walk func(id string, budget int) int
	walk = func(id string, budget int) int {
		if d, ok := depth[id]; ok {
			return d
		}
		w, ok := byID[id]
		if !ok || budget == 0 {
			return -1
		}
		d := walk(w.rec.ManagerID, budget-1) + 1
		depth[id] = d
		return d
	}
	for _, w := range p.writes {
		walk(w.rec.ID, len(p.writes))
	}
	slices.SortStableFunc(p.writes, func(a, b *personWrite) int {
		return depth[a.rec.ID] - depth[b.rec.ID]
	})
}

func (p *plan) person(r *record, old *storedPerson, now time.Time) {
	h := p.hasher.sum(r)
	if old == nil {
		kind := kindAdd
		var at *time.Time
		if r.Departed {
			kind, at = kindImport, &now
		}
		p.writes = append(p.writes, &personWrite{kind: kind, rec: r, departedAt: at, hash: h})
		return
	}
	w := &personWrite{rec: r, old: old, hash: h, departedAt: old.departedAt}
	if old.hash == h && old.rec.Departed == r.Departed {
		p.unchanged++
		return
	}
	w.changes = compare(&old.rec, r, p.defNames)
	w.managerChanged = old.rec.ManagerID != r.ManagerID
	switch {
	case !old.rec.Departed && r.Departed:
		w.kind, w.departedAt, w.reason = kindDepart, &now, "offboarded"
	case old.rec.Departed && !r.Departed:
		w.kind, w.departedAt = kindRestore, nil
	case len(w.changes) == 0 && !w.managerChanged:
		p.unchanged++
		p.rehash = append(p.rehash, w)
		return
	default:
		w.kind = kindUpdate
	}
	p.writes = append(p.writes, w)
}

// missing departs current people a complete snapshot no longer lists.
func (p *plan) missing(st *state, want *desired, now time.Time) {
	ids := make([]string, 0)
	for id, s := range st.people {
		if s.rec.Departed {
			continue
		}
		if _, listed := want.inSnapshot[id]; listed {
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s := st.people[id]
		r := s.rec
		r.Status = person.StatusOFFBOARDED
		r.Departed = true
		w := &personWrite{
			kind: kindDepart, rec: &r, old: s, departedAt: &now, hash: p.hasher.sum(&r),
			changes: compare(&s.rec, &r, p.defNames), reason: "missing",
		}
		p.writes = append(p.writes, w)
	}
}

// catalogue lists the locations, companies and custom fields that are new
// or changed. Entries gone upstream are kept: people and values may still
// refer to them.
func (p *plan) catalogue(st *state, snap *humaans.Snapshot) {
	for _, l := range snap.Locations {
		s, ok := st.locations[l.ID]
		if ok && s.Label == l.Label && deref(s.City) == l.City &&
			deref(s.Country) == l.Country && deref(s.Timezone) == l.Timezone {
			continue
		}
		p.locations = append(p.locations, l)
	}
	for _, c := range snap.Companies {
		if s, ok := st.entities[c.ID]; ok && s.Name == c.Name {
			continue
		}
		p.entities = append(p.entities, c)
	}
	for _, f := range snap.CustomFields {
		s, ok := st.defs[f.ID]
		if ok && s.Name == f.Name && s.Section == f.Section && s.Type == f.Type &&
			sameJSON(s.Config, f.Config) {
			continue
		}
		p.defs = append(p.defs, f)
	}
}

func sameJSON(a, b json.RawMessage) bool { return canonJSON(a) == canonJSON(b) }

// canonJSON re-encodes a JSON value with sorted keys and no spacing, as
// Postgres' jsonb may reorder what it stores; an absent value reads as null.
func canonJSON(m json.RawMessage) string {
	if len(bytes.TrimSpace(m)) == 0 {
		return "null"
	}
	var v any
	if err := json.Unmarshal(m, &v); err != nil {
		return string(m)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(m)
	}
	return string(b)
}

// eventRow is one change event to insert.
type eventRow struct {
	typ      event.Type
	personID string
	fields   []string
	payload  json.RawMessage
}

// appendEvents appends the change events of one person write to out.
func appendEvents(out []eventRow, w *personWrite) []eventRow {
	fields := changedNames(w.changes)
	switch w.kind {
	case kindAdd:
		return append(out, eventRow{typ: event.TypePERSON_ADDED, personID: w.rec.ID,
			payload: addedPayload(w.rec.WorkEmail)})
	case kindImport:
		return out
	case kindDepart:
		out = append(out, eventRow{typ: event.TypePERSON_DEPARTED, personID: w.rec.ID,
			fields: fields, payload: mustJSON(map[string]any{
				"reason": w.reason, "changes": w.changes})})
	case kindRestore:
		out = append(out, eventRow{typ: event.TypePERSON_RESTORED, personID: w.rec.ID,
			fields: fields, payload: mustJSON(map[string]any{"changes": w.changes})})
	case kindUpdate:
		if len(w.changes) > 0 {
			out = append(out, eventRow{typ: event.TypePERSON_UPDATED, personID: w.rec.ID,
				fields: fields, payload: mustJSON(map[string]any{"changes": w.changes})})
		}
	}
	if w.managerChanged {
		out = append(out, eventRow{typ: event.TypeMANAGER_CHANGED, personID: w.rec.ID,
			fields: []string{fieldManager}, payload: mustJSON(map[string]any{
				"from": optional(w.old.rec.ManagerID), "to": optional(w.rec.ManagerID)})})
	}
	return out
}

// addedPayload is the payload of a PERSON_ADDED event, {"workEmail": ...},
// encoded as mustJSON would but without a map per person.
func addedPayload(email string) json.RawMessage {
	q := mustJSON(email)
	b := make([]byte, 0, len(`{"workEmail":}`)+len(q))
	b = append(b, `{"workEmail":`...)
	b = append(b, q...)
	return append(b, '}')
}

func changedNames(cs []change) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Field
	}
	return out
}

// mustJSON encodes event payloads, which hold only strings, dates, slices
// and maps and so always encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
