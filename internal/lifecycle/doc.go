// Package lifecycle turns the dates of people in the directory into
// lifecycle events: start date, end date, probation end, work anniversary and
// birthday, each optionally shifted by a number of days.
//
// An occurrence fires on the person's local calendar day, at a configured
// local hour, in the person's time zone (else their location's, else the
// company default). Nothing is precomputed: each evaluation reads the dates as
// they are now, works out which occurrences fell due since the last
// evaluation (a checkpoint stored with the events, bounded by a look-back),
// and stores those it has not stored before, keyed by person, type, offset
// and local date. A date moved upstream therefore moves the occurrence if it
// has not fired yet, and restarts, re-syncs and replicas never store an
// occurrence twice. A database never evaluated, and a person the last
// evaluation did not know, fire only what is due on the local day itself.
package lifecycle
