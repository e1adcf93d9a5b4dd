package humaanssim

import "strconv"

// The field accessors below give a record's values for filtering and sorting: one value for
// a scalar, none for null, several for a list such as teams. A scalar is returned in buf so
// that scanning a large list does not allocate per record; the result is valid until the
// next call with the same buf. ok is false for a field the resource does not have.

// one returns s as a single value in buf, reusing its storage, or no value when s is empty.
func one(buf []string, s string) []string {
	if s == "" {
		return nil
	}
	return append(buf[:0], s)
}

func (p *person) field(name string, v view, buf []string) ([]string, bool) {
	if !v.private && privateFields[name] {
		return nil, true
	}
	if vals, ok := p.textField(name, buf); ok {
		return vals, true
	}
	switch name {
	case "teams":
		return p.teams, true
	case "directReports":
		return p.directReports, true
	case "isBirthdayHidden":
		return one(buf, strconv.FormatBool(p.birthdayHidden)), true
	case "isWorkEmailHidden":
		return one(buf, "false"), true
	case "birthday":
		return one(buf, p.birthday.String()), true
	case "employmentStartDate":
		return one(buf, p.startDate.String()), true
	case "firstWorkingDay":
		return one(buf, p.firstWorkingDay.String()), true
	case "employmentEndDate":
		return one(buf, p.endDate.String()), true
	case "lastWorkingDay":
		return one(buf, p.lastWorkingDay.String()), true
	case "probationEndDate":
		return one(buf, p.probationEndDate.String()), true
	case "createdAt":
		return one(buf, p.createdAt.String()), true
	case "updatedAt":
		return one(buf, p.updatedAt.String()), true
	}
	return nil, false
}

func (p *person) textField(name string, buf []string) ([]string, bool) {
	var s string
	switch name {
	case "id":
		s = p.id
	case "companyId":
		s = p.companyID
	case "firstName":
		s = p.firstName
	case "middleName":
		s = p.middleName
	case "lastName":
		s = p.lastName
	case "preferredName":
		s = p.preferredName
	case "email":
		s = p.email
	case "personalEmail":
		s = p.personalEmail
	case "phoneNumber":
		s = p.phoneNumber
	case "employeeId":
		s = p.employeeID
	case "status":
		s = string(p.status)
	case "contractType":
		s = p.contractType
	case "locationId":
		s = p.locationID
	case "timezone":
		s = p.timezone
	case "remoteTimezone":
		s = p.remoteTimezone
	case "remoteCity":
		s = p.remoteCity
	case "remoteCountryCode":
		s = p.remoteCountryCode
	case "gender":
		s = p.gender
	case "address":
		s = p.address
	case "city":
		s = p.city
	case "postcode":
		s = p.postcode
	case "countryCode":
		s = p.countryCode
	default:
		return nil, false
	}
	return one(buf, s), true
}

func (r *jobRole) field(name string, _ view, buf []string) ([]string, bool) {
	switch name {
	case "id":
		return one(buf, r.id), true
	case "personId":
		return one(buf, r.personID), true
	case "jobTitle":
		return one(buf, r.jobTitle), true
	case "department":
		return one(buf, r.department), true
	case "reportingTo":
		return one(buf, r.reportingTo), true
	case "effectiveDate":
		return one(buf, r.effectiveDate.String()), true
	case "endDate":
		return one(buf, r.endDate.String()), true
	case "createdAt":
		return one(buf, r.createdAt.String()), true
	case "updatedAt":
		return one(buf, r.updatedAt.String()), true
	}
	return nil, false
}

func (l *location) field(name string, _ view, buf []string) ([]string, bool) {
	switch name {
	case "id":
		return one(buf, l.id), true
	case "companyId":
		return one(buf, l.companyID), true
	case "label":
		return one(buf, l.label), true
	case "city":
		return one(buf, l.city), true
	case "country":
		return one(buf, l.country), true
	case "countryCode":
		return one(buf, l.countryCode), true
	case "timezone":
		return one(buf, l.timezone), true
	case "createdAt":
		return one(buf, l.createdAt.String()), true
	case "updatedAt":
		return one(buf, l.updatedAt.String()), true
	}
	return nil, false
}

func (c *company) field(name string, _ view, buf []string) ([]string, bool) {
	switch name {
	case "id":
		return one(buf, c.id), true
	case "name":
		return one(buf, c.name), true
	case "domains":
		return c.domains, true
	case "createdAt":
		return one(buf, c.createdAt.String()), true
	case "updatedAt":
		return one(buf, c.updatedAt.String()), true
	}
	return nil, false
}

func (f *customField) field(name string, _ view, buf []string) ([]string, bool) {
	switch name {
	case "id":
		return one(buf, f.id), true
	case "companyId":
		return one(buf, f.companyID), true
	case "name":
		return one(buf, f.name), true
	case "section":
		return one(buf, f.section), true
	case "type":
		return one(buf, f.fieldType), true
	case "createdAt":
		return one(buf, f.createdAt.String()), true
	case "updatedAt":
		return one(buf, f.updatedAt.String()), true
	}
	return nil, false
}

func (cv *customValue) field(name string, _ view, buf []string) ([]string, bool) {
	switch name {
	case "id":
		return one(buf, cv.id), true
	case "personId":
		return one(buf, cv.personID), true
	case "customFieldId":
		return one(buf, cv.fieldID), true
	case "value":
		return cv.value.Items, true
	case "createdAt":
		return one(buf, cv.createdAt.String()), true
	case "updatedAt":
		return one(buf, cv.updatedAt.String()), true
	}
	return nil, false
}
