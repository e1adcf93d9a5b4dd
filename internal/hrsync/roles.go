package hrsync

import (
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// roleChoice says which role a person without a current one falls back to.
type roleChoice int

const (
	// currentOnly takes no fallback.
	currentOnly roleChoice = iota
	// orFirstFuture takes the earliest role still to start: a pre-hire's
	// first role.
	orFirstFuture
	// orLastPast takes the latest role that started, ended or not: the role
	// an offboarded person left in.
	orLastPast
)

// currentRole picks a person's role as of today: the one with the latest
// effective date not after today whose end date, if any, has not passed.
// Ties go to the most recently created row. With no current role the
// fallback applies; nil means no role at all.
func currentRole(roles []humaans.JobRole, today civil.Date, fallback roleChoice) *humaans.JobRole {
	var cur, future, past *humaans.JobRole
	for i := range roles {
		r := &roles[i]
		if r.EffectiveDate.After(today) {
			if future == nil || r.EffectiveDate.Before(future.EffectiveDate) ||
				(r.EffectiveDate == future.EffectiveDate && newer(r, future)) {
				future = r
			}
			continue
		}
		if later(r, past) {
			past = r
		}
		if !r.EndDate.IsZero() && r.EndDate.Before(today) {
			continue
		}
		if later(r, cur) {
			cur = r
		}
	}
	switch {
	case cur != nil:
		return cur
	case fallback == orFirstFuture:
		return future
	case fallback == orLastPast:
		return past
	}
	return nil
}

// later reports whether r took effect after best (or at the same date and
// was created later); any role is later than none.
func later(r, best *humaans.JobRole) bool {
	if best == nil {
		return true
	}
	if c := r.EffectiveDate.Compare(best.EffectiveDate); c != 0 {
		return c > 0
	}
	return newer(r, best)
}

func newer(r, s *humaans.JobRole) bool {
	if !r.CreatedAt.Equal(s.CreatedAt) {
		return r.CreatedAt.After(s.CreatedAt)
	}
	return r.ID > s.ID
}
