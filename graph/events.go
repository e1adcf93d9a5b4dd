package graph

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/graph/model"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
)

// eventCursor renders an event's position in the log. It is the event id:
// the log only grows, so ids order events and never move.
func eventCursor(id int) string { return strconv.Itoa(id) }

// parseEventCursor reads a cursor from eventCursor.
func parseEventCursor(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, badInput("malformed cursor " + strconv.Quote(s))
	}
	return n, nil
}

// lifecyclePayload is the payload of a stored lifecycle event.
type lifecyclePayload struct {
	TimeZone string `json:"timeZone"`
	Years    int    `json:"years"`
}

// lifecycleEventOf converts a stored lifecycle event. Only work
// anniversaries carry years: a birthday's would be the person's age.
func lifecycleEventOf(ev *ent.Event, row *ent.Person) *model.LifecycleEvent {
	var p lifecyclePayload
	_ = json.Unmarshal(ev.Payload, &p) // a damaged payload leaves the zone empty
	out := &model.LifecycleEvent{
		ID:         eventCursor(ev.ID),
		Cursor:     eventCursor(ev.ID),
		Type:       ev.Type,
		PersonID:   deref(ev.PersonID),
		OffsetDays: ev.OffsetDays,
		TimeZone:   p.TimeZone,
		FiredAt:    ev.OccurredAt,
		Row:        row,
	}
	if ev.LocalDate != nil {
		out.LocalDate = *ev.LocalDate
	}
	if ev.Type == lifecycle.WorkAnniversary {
		out.Years = &p.Years
	}
	return out
}

// occurrenceOf converts an upcoming occurrence.
func occurrenceOf(o *lifecycle.Occurrence) *model.LifecycleOccurrence {
	out := &model.LifecycleOccurrence{
		Key:        o.Key,
		Type:       o.Type,
		PersonID:   o.PersonID,
		LocalDate:  o.LocalDate,
		OffsetDays: o.OffsetDays,
		TimeZone:   o.TimeZone,
		FireAt:     o.FireAt,
	}
	if o.Type == lifecycle.WorkAnniversary {
		years := o.Years
		out.Years = &years
	}
	return out
}

// changeKinds maps the log's directory change types to the graph's kinds.
var changeKinds = map[event.Type]model.PersonChangeKind{
	event.TypePERSON_ADDED:    model.PersonChangeKindAdded,
	event.TypePERSON_UPDATED:  model.PersonChangeKindUpdated,
	event.TypeMANAGER_CHANGED: model.PersonChangeKindManagerChanged,
	event.TypePERSON_DEPARTED: model.PersonChangeKindDeparted,
	event.TypePERSON_RESTORED: model.PersonChangeKindRestored,
}

// changeTypes are the log's directory change types.
var changeTypes = []event.Type{
	event.TypePERSON_ADDED, event.TypePERSON_UPDATED, event.TypeMANAGER_CHANGED,
	event.TypePERSON_DEPARTED, event.TypePERSON_RESTORED,
}

// changePayload holds the payload fields of the directory change types.
type changePayload struct {
	From   *string `json:"from"`
	To     *string `json:"to"`
	Reason *string `json:"reason"`
}

// personChangeOf converts a stored directory change.
func personChangeOf(ev *ent.Event, row *ent.Person) *model.PersonChange {
	var p changePayload
	_ = json.Unmarshal(ev.Payload, &p) // a damaged payload leaves the details out
	out := &model.PersonChange{
		ID:            eventCursor(ev.ID),
		Cursor:        eventCursor(ev.ID),
		Kind:          changeKinds[ev.Type],
		PersonID:      deref(ev.PersonID),
		ChangedFields: ev.ChangedFields,
		OccurredAt:    ev.OccurredAt,
		Row:           row,
	}
	if out.ChangedFields == nil {
		out.ChangedFields = []string{}
	}
	switch ev.Type {
	case event.TypeMANAGER_CHANGED:
		out.PreviousManagerID, out.ManagerID = p.From, p.To
	case event.TypePERSON_DEPARTED:
		out.Reason = p.Reason
	}
	return out
}

// eventFilter is what a subscription asks of the log: the broker-side test
// on the event itself, and the test on the person's current row.
type eventFilter struct {
	types  []event.Type
	people []string
	person *model.PersonEventFilter
}

// accepts is the broker-side test; it reads only the event, so it is cheap.
func (f *eventFilter) accepts(ev *ent.Event) bool {
	if !slices.Contains(f.types, ev.Type) || ev.PersonID == nil {
		return false
	}
	return len(f.people) == 0 || slices.Contains(f.people, *ev.PersonID)
}

// needsRow reports whether matches reads the person's row.
func (f *eventFilter) needsRow() bool {
	p := f.person
	return p != nil && (len(p.Departments) > 0 || len(p.Locations) > 0 ||
		len(p.LegalEntities) > 0 || len(p.EmploymentTypes) > 0)
}

// matches tests the person's row; a person without a row never matches a
// filter that reads one.
func (f *eventFilter) matches(row *ent.Person) bool {
	if !f.needsRow() {
		return true
	}
	if row == nil {
		return false
	}
	p := f.person
	return within(p.Departments, row.Department) && within(p.Locations, row.LocationID) &&
		within(p.LegalEntities, row.LegalEntityID) &&
		within(p.EmploymentTypes, row.EmploymentType)
}

// within reports whether an optional value is one of want; an empty want
// accepts anything.
func within(want []string, v *string) bool {
	return len(want) == 0 || (v != nil && slices.Contains(want, *v))
}
