package humaanssim

import "strconv"

// The field accessors below give a record's values for filtering and sorting: one value for
// a scalar, none for null, several for a list such as teams. ok is false for a field the
// resource does not have.

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (p *person) field(name string, v view) ([]string, bool) {
	if !v.private && privateFields[name] {
		return nil, true
	}
	if vals, ok := p.textField(name); ok {
		return vals, true
	}
	switch name {
	case "teams":
		return p.teams, true
	case "directReports":
		return p.directReports, true
	case "isBirthdayHidden":
		return []string{strconv.FormatBool(p.birthdayHidden)}, true
	case "isWorkEmailHidden":
		return []string{"false"}, true
	case "birthday":
		return one(p.birthday.String()), true
	case "employmentStartDate":
		return one(p.startDate.String()), true
	case "firstWorkingDay":
		return one(p.firstWorkingDay.String()), true
	case "employmentEndDate":
		return one(p.endDate.String()), true
	case "lastWorkingDay":
		return one(p.lastWorkingDay.String()), true
	case "probationEndDate":
		return one(p.probationEndDate.String()), true
	case "createdAt":
		return one(p.createdAt.String()), true
	case "updatedAt":
		return one(p.updatedAt.String()), true
	}
	return nil, false
}

func (p *person) textField(name string) ([]string, bool) {
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
	return one(s), true
}

func (r *jobRole) field(name string, _ view) ([]string, bool) {
	switch name {
	case "id":
		return one(r.id), true
	case "personId":
		return one(r.personID), true
	case "jobTitle":
		return one(r.jobTitle), true
	case "department":
		return one(r.department), true
	case "reportingTo":
		return one(r.reportingTo), true
	case "effectiveDate":
		return one(r.effectiveDate.String()), true
	case "endDate":
		return one(r.endDate.String()), true
	case "createdAt":
		return one(r.createdAt.String()), true
	case "updatedAt":
		return one(r.updatedAt.String()), true
	}
	return nil, false
}

func (l *location) field(name string, _ view) ([]string, bool) {
	switch name {
	case "id":
		return one(l.id), true
	case "companyId":
		return one(l.companyID), true
	case "label":
		return one(l.label), true
	case "city":
		return one(l.city), true
	case "country":
		return one(l.country), true
	case "countryCode":
		return one(l.countryCode), true
	case "timezone":
		return one(l.timezone), true
	case "createdAt":
		return one(l.createdAt.String()), true
	case "updatedAt":
		return one(l.updatedAt.String()), true
	}
	return nil, false
}

func (c *company) field(name string, _ view) ([]string, bool) {
	switch name {
	case "id":
		return one(c.id), true
	case "name":
		return one(c.name), true
	case "domains":
		return c.domains, true
	case "createdAt":
		return one(c.createdAt.String()), true
	case "updatedAt":
		return one(c.updatedAt.String()), true
	}
	return nil, false
}

func (f *customField) field(name string, _ view) ([]string, bool) {
	switch name {
	case "id":
		return one(f.id), true
	case "companyId":
		return one(f.companyID), true
	case "name":
		return one(f.name), true
	case "section":
		return one(f.section), true
	case "type":
		return one(f.fieldType), true
	case "createdAt":
		return one(f.createdAt.String()), true
	case "updatedAt":
		return one(f.updatedAt.String()), true
	}
	return nil, false
}

func (cv *customValue) field(name string, _ view) ([]string, bool) {
	switch name {
	case "id":
		return one(cv.id), true
	case "personId":
		return one(cv.personID), true
	case "customFieldId":
		return one(cv.fieldID), true
	case "value":
		return cv.value.Items, true
	case "createdAt":
		return one(cv.createdAt.String()), true
	case "updatedAt":
		return one(cv.updatedAt.String()), true
	}
	return nil, false
}
