package humaanssim

import (
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// view is what a token may see.
type view struct {
	// private is set by private:read: private person fields and every status are visible.
	private bool
	// hideOffboarded hides offboarded people from a token without private:read.
	hideOffboarded bool
	// nullPrivate sends hidden private fields as null rather than leaving them out.
	nullPrivate bool
}

// fullView sees everything.
var fullView = view{private: true}

// sees reports whether the token may see person p at all.
func (v view) sees(p *person) bool {
	if v.private || p == nil {
		return v.private
	}
	switch p.status {
	case humaans.StatusNewHire:
		return false
	case humaans.StatusOffboarded:
		return !v.hideOffboarded
	}
	return true
}

// privateFields are the person fields a token without private:read does not get.
var privateFields = map[string]bool{
	"personalEmail": true, "phoneNumber": true, "birthday": true, "gender": true,
	"address": true, "city": true, "postcode": true, "countryCode": true,
}

var fullWeek = []byte(`[{"day":"monday"},{"day":"tuesday"},{"day":"wednesday"},` +
	`{"day":"thursday"},{"day":"friday"}]`)

var shortWeek = []byte(`[{"day":"monday"},{"day":"tuesday"},{"day":"wednesday"}]`)

// appendPerson writes p as Humaans does, with the private fields v allows and the direct
// reports v may see.
func (s *Simulator) appendPerson(b []byte, p *person, v view) []byte {
	o := beginObject(b)
	o.sparse = !s.opts.FullProfiles
	o.str("id", p.id)
	o.optStr("companyId", p.companyID)
	o.str("firstName", p.firstName)
	o.optStr("middleName", p.middleName)
	o.str("lastName", p.lastName)
	o.optStr("preferredName", p.preferredName)
	o.optStr("email", p.email)
	if !o.sparse {
		o.boolean("isWorkEmailHidden", false)
	}
	if !o.sparse {
		o.private(v, "personalEmail", p.personalEmail)
		o.private(v, "phoneNumber", p.phoneNumber)
	}
	o.optStr("employeeId", p.employeeID)
	o.str("status", string(p.status))
	o.optStr("contractType", p.contractType)
	o.optStr("locationId", p.locationID)
	o.optStr("timezone", p.timezone)
	o.optStr("remoteCity", p.remoteCity)
	o.optStr("remoteCountryCode", p.remoteCountryCode)
	o.optStr("remoteTimezone", p.remoteTimezone)
	o.key("teams")
	o.b = appendTeams(o.b, p.teams)
	switch {
	case v.private:
		o.date("birthday", p.birthday)
	case v.nullPrivate:
		o.key("birthday")
		o.b = append(o.b, "null"...)
	}
	if p.birthdayHidden || !o.sparse {
		o.boolean("isBirthdayHidden", p.birthdayHidden)
	}
	if !o.sparse {
		o.private(v, "gender", p.gender)
		o.private(v, "address", p.address)
		o.private(v, "city", p.city)
		o.private(v, "postcode", p.postcode)
		o.private(v, "countryCode", p.countryCode)
	}
	o.date("employmentStartDate", p.startDate)
	if !o.sparse || p.firstWorkingDay != p.startDate {
		o.date("firstWorkingDay", p.firstWorkingDay)
	}
	o.date("employmentEndDate", p.endDate)
	o.date("lastWorkingDay", p.lastWorkingDay)
	o.date("probationEndDate", p.probationEndDate)
	if !o.sparse {
		o.raw("workingDays", workingDays(p))
		o.null("profilePhoto")
	}
	if !o.sparse {
		o.key("directReports")
		o.b = s.appendReports(o.b, p, v)
	}
	o.stamp("createdAt", p.createdAt)
	o.stamp("updatedAt", p.updatedAt)
	return o.end()
}

// private writes a private field when v may see it, and otherwise leaves it out or writes
// null, as Options.NullPrivateFields says.
func (o *object) private(v view, k, val string) {
	switch {
	case v.private:
		o.optStr(k, val)
	case v.nullPrivate:
		// Explicit nulls are the point of the switch, sparse or not.
		o.key(k)
		o.b = append(o.b, "null"...)
	}
}

func workingDays(p *person) []byte {
	if p.contractType == "partTime" {
		return shortWeek
	}
	return fullWeek
}

func appendTeams(b []byte, teams []string) []byte {
	b = append(b, '[')
	for i, t := range teams {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, t)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (s *Simulator) appendReports(b []byte, p *person, v view) []byte {
	b = append(b, '[')
	n := 0
	for _, id := range p.directReports {
		if !v.private && !v.sees(s.peopleByID[id]) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = appendString(b, id)
		n++
	}
	return append(b, ']')
}

func appendJobRole(b []byte, r *jobRole, companyID string) []byte {
	o := beginObject(b)
	o.str("id", r.id)
	o.optStr("companyId", companyID)
	o.str("personId", r.personID)
	o.str("jobTitle", r.jobTitle)
	o.optStr("department", r.department)
	o.optStr("reportingTo", r.reportingTo)
	o.date("effectiveDate", r.effectiveDate)
	o.date("endDate", r.endDate)
	o.null("note")
	o.stamp("createdAt", r.createdAt)
	o.stamp("updatedAt", r.updatedAt)
	return o.end()
}

func appendLocation(b []byte, l *location) []byte {
	o := beginObject(b)
	o.str("id", l.id)
	o.optStr("companyId", l.companyID)
	o.str("label", l.label)
	o.optStr("city", l.city)
	o.optStr("country", l.country)
	o.optStr("countryCode", l.countryCode)
	o.optStr("timezone", l.timezone)
	o.stamp("createdAt", l.createdAt)
	o.stamp("updatedAt", l.updatedAt)
	return o.end()
}

func appendCompany(b []byte, c *company) []byte {
	o := beginObject(b)
	o.str("id", c.id)
	o.str("name", c.name)
	o.strs("domains", c.domains)
	o.str("status", "active")
	o.str("package", "growth")
	o.null("trialEndDate")
	o.stamp("createdAt", c.createdAt)
	o.stamp("updatedAt", c.updatedAt)
	return o.end()
}

func appendCustomField(b []byte, f *customField) []byte {
	o := beginObject(b)
	o.str("id", f.id)
	o.optStr("companyId", f.companyID)
	o.str("name", f.name)
	o.optStr("section", f.section)
	o.str("type", f.fieldType)
	config := f.config
	if len(config) == 0 {
		config = []byte("{}")
	}
	o.raw("config", config)
	o.null("resourceId")
	o.stamp("createdAt", f.createdAt)
	o.stamp("updatedAt", f.updatedAt)
	return o.end()
}

func appendCustomValue(b []byte, cv *customValue) []byte {
	o := beginObject(b)
	o.str("id", cv.id)
	o.str("personId", cv.personID)
	o.str("customFieldId", cv.fieldID)
	o.null("resourceId")
	o.value("value", cv.value)
	o.stamp("createdAt", cv.createdAt)
	o.stamp("updatedAt", cv.updatedAt)
	return o.end()
}
