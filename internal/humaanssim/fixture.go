package humaanssim

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// fixtureFile is the fixture format: each list holds records in Humaans' wire format.
type fixtureFile struct {
	Companies    []humaans.Company     `json:"companies"`
	Locations    []fixtureLocation     `json:"locations"`
	People       []fixturePerson       `json:"people"`
	JobRoles     []humaans.JobRole     `json:"jobRoles"`
	CustomFields []humaans.CustomField `json:"customFields"`
	CustomValues []humaans.CustomValue `json:"customValues"`
}

// fixturePerson adds the private address fields the client's type does not carry.
type fixturePerson struct {
	humaans.Person
	Address     string `json:"address"`
	City        string `json:"city"`
	Postcode    string `json:"postcode"`
	CountryCode string `json:"countryCode"`
}

type fixtureLocation struct {
	humaans.Location
	CountryCode string `json:"countryCode"`
}

// loadFixture reads a fixture file. Missing timestamps default to now; job roles and custom
// values must name people and fields that exist, but reportingTo may dangle.
func loadFixture(path string, now time.Time) (*dataset, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var f fixtureFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return f.dataset(now)
}

func (f *fixtureFile) dataset(now time.Time) (*dataset, error) {
	ds := &dataset{}
	st := func(t time.Time) stamp {
		if t.IsZero() {
			return stampOf(now)
		}
		return stampOf(t)
	}
	for _, c := range f.Companies {
		ds.companies = append(ds.companies, &company{id: c.ID, name: c.Name, domains: c.Domains,
			createdAt: st(c.CreatedAt), updatedAt: st(c.UpdatedAt)})
	}
	for _, l := range f.Locations {
		ds.locations = append(ds.locations, &location{id: l.ID, companyID: l.CompanyID,
			label: l.Label, city: l.City, country: l.Country, countryCode: l.CountryCode,
			timezone: l.Timezone, createdAt: st(l.CreatedAt), updatedAt: st(l.UpdatedAt)})
	}
	people := map[string]bool{}
	for _, fp := range f.People {
		if fp.ID == "" || people[fp.ID] {
			return nil, fmt.Errorf("person %q: missing or duplicate id", fp.ID)
		}
		people[fp.ID] = true
		ds.people = append(ds.people, fp.person(st))
	}
	for _, r := range f.JobRoles {
		if !people[r.PersonID] {
			return nil, fmt.Errorf("job role %q: unknown person %q", r.ID, r.PersonID)
		}
		ds.roles = append(ds.roles, &jobRole{id: r.ID, personID: r.PersonID,
			jobTitle: r.JobTitle, department: r.Department, reportingTo: r.ReportingTo,
			effectiveDate: r.EffectiveDate, endDate: r.EndDate, createdAt: st(r.CreatedAt),
			updatedAt: st(r.UpdatedAt)})
	}
	fields := map[string]bool{}
	for _, cf := range f.CustomFields {
		fields[cf.ID] = true
		ds.fields = append(ds.fields, &customField{id: cf.ID, companyID: cf.CompanyID,
			name: cf.Name, section: cf.Section, fieldType: cf.Type, config: cf.Config,
			createdAt: st(cf.CreatedAt), updatedAt: st(cf.UpdatedAt)})
	}
	for _, cv := range f.CustomValues {
		if !people[cv.PersonID] || !fields[cv.CustomFieldID] {
			return nil, fmt.Errorf("custom value %q: unknown person or field", cv.ID)
		}
		ds.values = append(ds.values, &customValue{id: cv.ID, personID: cv.PersonID,
			fieldID: cv.CustomFieldID, value: cv.Value, createdAt: st(cv.CreatedAt),
			updatedAt: st(cv.UpdatedAt)})
	}
	return ds, nil
}

func (fp *fixturePerson) person(st func(time.Time) stamp) *person {
	teams := make([]string, 0, len(fp.Teams))
	for _, t := range fp.Teams {
		teams = append(teams, t.Name)
	}
	return &person{
		id: fp.ID, companyID: fp.CompanyID, firstName: fp.FirstName, middleName: fp.MiddleName,
		lastName: fp.LastName, preferredName: fp.PreferredName, email: fp.Email,
		personalEmail: fp.PersonalEmail, phoneNumber: fp.PhoneNumber, employeeID: fp.EmployeeID,
		contractType: fp.ContractType, locationID: fp.LocationID, timezone: fp.Timezone,
		remoteTimezone: fp.RemoteTimezone, remoteCity: fp.RemoteCity,
		remoteCountryCode: fp.RemoteCountryCode, gender: fp.Gender, address: fp.Address,
		city: fp.City, postcode: fp.Postcode, countryCode: fp.CountryCode, teams: teams,
		birthday: fp.Birthday, startDate: fp.EmploymentStartDate,
		firstWorkingDay: fp.FirstWorkingDay, endDate: fp.EmploymentEndDate,
		lastWorkingDay: fp.LastWorkingDay, probationEndDate: fp.ProbationEndDate,
		birthdayHidden: fp.IsBirthdayHidden, status: fp.Status,
		createdAt: st(fp.CreatedAt), updatedAt: st(fp.UpdatedAt),
	}
}
