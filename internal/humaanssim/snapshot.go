package humaanssim

import (
	"slices"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// People returns every person as a token with private:read sees them, in the API's default
// order. The result is a copy and safe to modify.
func (s *Simulator) People() []humaans.Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]humaans.Person, 0, len(s.people))
	for _, p := range s.people {
		out = append(out, p.snapshot())
	}
	return out
}

// JobRoles returns every job role row in the API's default order.
func (s *Simulator) JobRoles() []humaans.JobRole {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]humaans.JobRole, 0, len(s.roles))
	for _, r := range s.roles {
		out = append(out, humaans.JobRole{
			ID: r.id, PersonID: r.personID, JobTitle: r.jobTitle, Department: r.department,
			ReportingTo: r.reportingTo, EffectiveDate: r.effectiveDate, EndDate: r.endDate,
			CreatedAt: r.createdAt.Time(), UpdatedAt: r.updatedAt.Time(),
		})
	}
	return out
}

func (p *person) snapshot() humaans.Person {
	teams := make([]humaans.Team, 0, len(p.teams))
	for _, t := range p.teams {
		teams = append(teams, humaans.Team{Name: t})
	}
	reports := slices.Clone(p.directReports)
	if reports == nil {
		reports = []string{}
	}
	return humaans.Person{
		ID: p.id, CompanyID: p.companyID, FirstName: p.firstName, MiddleName: p.middleName,
		LastName: p.lastName, PreferredName: p.preferredName, Email: p.email,
		PersonalEmail: p.personalEmail, PhoneNumber: p.phoneNumber, EmployeeID: p.employeeID,
		Status: p.status, ContractType: p.contractType, LocationID: p.locationID,
		Timezone: p.timezone, RemoteTimezone: p.remoteTimezone, RemoteCity: p.remoteCity,
		RemoteCountryCode: p.remoteCountryCode, Teams: teams, Birthday: p.birthday,
		IsBirthdayHidden: p.birthdayHidden, Gender: p.gender,
		EmploymentStartDate: p.startDate, FirstWorkingDay: p.firstWorkingDay,
		EmploymentEndDate: p.endDate, LastWorkingDay: p.lastWorkingDay,
		ProbationEndDate: p.probationEndDate, DirectReports: reports,
		CreatedAt: p.createdAt.Time(), UpdatedAt: p.updatedAt.Time(),
	}
}
