package hrsync

import (
	"errors"
	"fmt"
)

var (
	// ErrFetch marks a run that failed because Humaans could not be read.
	ErrFetch = errors.New("hrsync: fetch from humaans")
	// ErrRunNotHeld is returned by Approve and Discard for a run that is not
	// waiting for an operator.
	ErrRunNotHeld = errors.New("hrsync: sync run is not held")
	// ErrRunNotFound is returned for an unknown run id.
	ErrRunNotFound = errors.New("hrsync: sync run not found")
	// ErrUnknownCustomField is returned by SelectCustomFields for a name or
	// id that is not in the catalogue.
	ErrUnknownCustomField = errors.New("hrsync: unknown custom field")
	// ErrBrakeExceeded is returned by Approve when the fresh snapshot would
	// depart more people than the held run did.
	ErrBrakeExceeded = errors.New("hrsync: approval exceeds the held departures")
)

// HeldError reports a run that the safety brake held: nothing was applied.
// Run does not return it (a held run is not a failure); Approve does when
// the change grew past what the operator saw.
type HeldError struct {
	RunID  int
	Reason string
}

// Error describes the hold.
func (e *HeldError) Error() string {
	return fmt.Sprintf("hrsync: run %d held: %s", e.RunID, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBrakeExceeded) hold.
func (e *HeldError) Unwrap() error { return ErrBrakeExceeded }
