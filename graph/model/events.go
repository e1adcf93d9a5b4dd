package model

import (
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// LifecycleEvent is a stored lifecycle event as the graph serves it.
type LifecycleEvent struct {
	ID         string
	Cursor     string
	Type       event.Type
	PersonID   string
	LocalDate  civil.Date
	OffsetDays int
	Years      *int
	TimeZone   string
	FiredAt    time.Time
	// Row is the person's row when it was read with the event, so that the
	// person field needs no lookup of its own; nil to look it up.
	Row *ent.Person
}

// PersonChange is a stored directory change as the graph serves it.
type PersonChange struct {
	ID            string
	Cursor        string
	Kind          PersonChangeKind
	PersonID      string
	ChangedFields []string
	// PreviousManagerID and ManagerID are the managers before and after a
	// MANAGER_CHANGED event.
	PreviousManagerID *string
	ManagerID         *string
	Reason            *string
	OccurredAt        time.Time
	// Row is the person's row when it was read with the event; nil to look
	// it up.
	Row *ent.Person
}

// LifecycleOccurrence is a lifecycle event that falls in a range.
type LifecycleOccurrence struct {
	Key        string
	Type       event.Type
	PersonID   string
	LocalDate  civil.Date
	OffsetDays int
	Years      *int
	TimeZone   string
	FireAt     time.Time
}
