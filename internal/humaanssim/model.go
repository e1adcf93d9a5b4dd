package humaanssim

import (
	"encoding/json"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// stampLayout is the Humaans timestamp form: UTC with milliseconds and a Z.
const stampLayout = "2006-01-02T15:04:05.000Z"

// stamp is an instant in Unix milliseconds, the precision Humaans timestamps carry. It keeps
// the model small for 100,000-person companies.
type stamp int64

func stampOf(t time.Time) stamp { return stamp(t.UnixMilli()) }

// Time returns the instant in UTC.
func (s stamp) Time() time.Time { return time.UnixMilli(int64(s)).UTC() }

// String returns the wire form of the instant.
func (s stamp) String() string { return s.Time().Format(stampLayout) }

// person is the simulator's record of a Humaans person. Status and directReports are derived
// from dates and job roles by recompute; everything else is stored as given.
type person struct {
	id, companyID                                  string
	firstName, middleName, lastName, preferredName string
	email, personalEmail, phoneNumber, employeeID  string
	contractType, locationID, timezone             string
	remoteTimezone, remoteCity, remoteCountryCode  string
	gender, address, city, postcode, countryCode   string
	teams                                          []string
	birthday, startDate, firstWorkingDay           civil.Date
	endDate, lastWorkingDay, probationEndDate      civil.Date
	birthdayHidden                                 bool
	// forcedStatus overrides the status the dates imply: an offboarding completed on the
	// last day itself, or a fixture status that contradicts the fixture's dates.
	forcedStatus  humaans.Status
	status        humaans.Status
	directReports []string
	createdAt     stamp
	updatedAt     stamp
}

// derivedStatus is the status the person's dates give on day today: newHire before the
// start date, offboarded once the last working day (or the end date) has passed.
func (p *person) derivedStatus(today civil.Date) humaans.Status {
	if p.forcedStatus != "" {
		return p.forcedStatus
	}
	if !p.startDate.IsZero() && p.startDate.After(today) {
		return humaans.StatusNewHire
	}
	last := p.lastWorkingDay
	if last.IsZero() {
		last = p.endDate
	}
	if !last.IsZero() && last.Before(today) {
		return humaans.StatusOffboarded
	}
	return humaans.StatusActive
}

// jobRole is one row of a person's role history.
type jobRole struct {
	id, personID, jobTitle, department, reportingTo string
	effectiveDate, endDate                          civil.Date
	createdAt, updatedAt                            stamp
}

// effectiveOn reports whether the row is in force on day d.
func (r *jobRole) effectiveOn(d civil.Date) bool {
	return !r.effectiveDate.After(d) && (r.endDate.IsZero() || !r.endDate.Before(d))
}

// roleOn returns the row in force on day d: the one with the latest effective date among
// those in force, the later row winning a tie. It returns nil when none is.
func roleOn(rows []*jobRole, d civil.Date) *jobRole {
	var best *jobRole
	for _, r := range rows {
		if r.effectiveOn(d) && (best == nil || !r.effectiveDate.Before(best.effectiveDate)) {
			best = r
		}
	}
	return best
}

// startingRole returns the earliest row that starts after d, which is the role a pre-hire
// will start with.
func startingRole(rows []*jobRole, d civil.Date) *jobRole {
	var best *jobRole
	for _, r := range rows {
		if r.effectiveDate.After(d) && (best == nil || r.effectiveDate.Before(best.effectiveDate)) {
			best = r
		}
	}
	return best
}

// location is a place of work.
type location struct {
	id, companyID, label, city, country, countryCode, timezone string
	createdAt, updatedAt                                       stamp
}

// company is a Humaans company, which peoplegraph treats as a legal entity.
type company struct {
	id, name             string
	domains              []string
	createdAt, updatedAt stamp
}

// customField is a field definition in the company's catalogue.
type customField struct {
	id, companyID, name, section, fieldType string
	config                                  json.RawMessage
	createdAt, updatedAt                    stamp
}

// customValue is one person's value for one custom field.
type customValue struct {
	id, personID, fieldID string
	value                 humaans.Value
	createdAt, updatedAt  stamp
}

// dataset is a whole company, as the generator or a fixture produces it, in creation order.
type dataset struct {
	companies []*company
	locations []*location
	people    []*person
	roles     []*jobRole
	fields    []*customField
	values    []*customValue
}
