package humaanssim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// NoManager, passed as ChangeRole's managerID, removes the manager from the new role.
const NoManager = "none"

// NewPerson describes a hire. FirstName and LastName are required; everything else has a
// default: the first location (and its company and time zone), fullTime, today's date.
type NewPerson struct {
	FirstName, LastName, Email, JobTitle, Department, ManagerID, LocationID string
	CompanyID, ContractType, Timezone                                       string
	Teams                                                                   []string
	StartDate                                                               civil.Date
	Birthday                                                                civil.Date
}

// Hire adds a person with a single job role effective on the start date. The person is a
// newHire when StartDate is after the clock's day, active otherwise. It returns ErrInvalid
// without a name and ErrNotFound for an unknown manager or location. Work emails are not
// checked for uniqueness, so that duplicate-email handling can be exercised.
func (s *Simulator) Hire(np NewPerson) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, err := s.hireLocked(np)
	if err != nil {
		return "", err
	}
	s.recompute(causeMutation)
	return p.id, nil
}

func (s *Simulator) hireLocked(np NewPerson) (*person, *jobRole, error) {
	if strings.TrimSpace(np.FirstName) == "" || strings.TrimSpace(np.LastName) == "" {
		return nil, nil, fmt.Errorf("%w: a hire needs a first and a last name", ErrInvalid)
	}
	if np.ManagerID != "" && s.peopleByID[np.ManagerID] == nil {
		return nil, nil, fmt.Errorf("%w: manager %q", ErrNotFound, np.ManagerID)
	}
	loc, err := s.locationFor(np.LocationID)
	if err != nil {
		return nil, nil, err
	}
	now := stampOf(s.now)
	start := np.StartDate
	if start.IsZero() {
		start = s.today()
	}
	p := &person{
		id: s.ids.next(), firstName: np.FirstName, lastName: np.LastName, email: np.Email,
		employeeID: fmt.Sprintf("LL%05d", s.nextEmployee), contractType: np.ContractType,
		teams: slices.Clone(np.Teams), birthday: np.Birthday, startDate: start,
		firstWorkingDay: start, companyID: np.CompanyID, timezone: np.Timezone,
		createdAt: now, updatedAt: now,
	}
	s.nextEmployee++
	s.place(p, loc)
	r := &jobRole{
		id: s.ids.next(), personID: p.id, jobTitle: np.JobTitle, department: np.Department,
		reportingTo: np.ManagerID, effectiveDate: start, createdAt: now, updatedAt: now,
	}
	s.people = append(s.people, p)
	s.peopleByID[p.id] = p
	s.roles = append(s.roles, r)
	s.rolesByPerson[p.id] = []*jobRole{r}
	p.status = p.derivedStatus(s.today())
	return p, r, nil
}

// place fills a hire's defaults from its location.
func (s *Simulator) place(p *person, loc *location) {
	if p.contractType == "" {
		p.contractType = "fullTime"
	}
	if loc == nil {
		return
	}
	p.locationID = loc.id
	if p.companyID == "" {
		p.companyID = loc.companyID
	}
	if p.timezone == "" {
		p.timezone = loc.timezone
	}
}

func (s *Simulator) locationFor(id string) (*location, error) {
	if id == "" {
		if len(s.locations) == 0 {
			return nil, nil
		}
		return s.locations[0], nil
	}
	for _, l := range s.locations {
		if l.id == id {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%w: location %q", ErrNotFound, id)
}

// person returns the person with id, or ErrNotFound. It must be called with s.mu held.
func (s *Simulator) person(id string) (*person, error) {
	p := s.peopleByID[id]
	if p == nil {
		return nil, fmt.Errorf("%w: person %q", ErrNotFound, id)
	}
	return p, nil
}

// ChangeRole appends a job role row effective on effective (the clock's day when zero) and
// ends the row it supersedes the day before. Empty jobTitle, department or managerID keep
// the superseded row's values; NoManager removes the manager. Reporting loops are allowed,
// so that loop detection can be exercised. It returns ErrNotFound for an unknown person or
// manager.
func (s *Simulator) ChangeRole(personID, jobTitle, department, managerID string,
	effective civil.Date,
) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.changeRoleLocked(personID, jobTitle, department, managerID, effective)
	return err
}

func (s *Simulator) changeRoleLocked(personID, jobTitle, department, managerID string,
	effective civil.Date,
) (*jobRole, error) {
	p, err := s.person(personID)
	if err != nil {
		return nil, err
	}
	if managerID != "" && managerID != NoManager && s.peopleByID[managerID] == nil {
		return nil, fmt.Errorf("%w: manager %q", ErrNotFound, managerID)
	}
	if effective.IsZero() {
		effective = s.today()
	}
	now := stampOf(s.now)
	rows := s.rolesByPerson[personID]
	prev, next := neighbours(rows, effective)
	r := &jobRole{id: s.ids.next(), personID: personID, jobTitle: jobTitle,
		department: department, reportingTo: managerID, effectiveDate: effective,
		createdAt: now, updatedAt: now}
	if base := cmp.Or(prev, next); base != nil {
		r.jobTitle = cmp.Or(jobTitle, base.jobTitle)
		r.department = cmp.Or(department, base.department)
		r.reportingTo = cmp.Or(managerID, base.reportingTo)
	}
	if r.reportingTo == NoManager {
		r.reportingTo = ""
	}
	if prev != nil && (prev.endDate.IsZero() || !prev.endDate.Before(effective)) {
		prev.endDate, prev.updatedAt = effective.AddDays(-1), now
	}
	if next != nil {
		r.endDate = next.effectiveDate.AddDays(-1)
	}
	s.roles = append(s.roles, r)
	s.rolesByPerson[personID] = append(rows, r)
	if s.opts.RoleChangeBumpsPerson {
		p.updatedAt = now
	}
	s.recompute(causeMutation)
	return r, nil
}

// neighbours returns the row with the latest effective date before d and the row with the
// earliest effective date on or after it.
func neighbours(rows []*jobRole, d civil.Date) (prev, next *jobRole) {
	for _, r := range rows {
		if r.effectiveDate.Before(d) {
			if prev == nil || !r.effectiveDate.Before(prev.effectiveDate) {
				prev = r
			}
		} else if next == nil || r.effectiveDate.Before(next.effectiveDate) {
			next = r
		}
	}
	return prev, next
}

// ChangeEmail sets a person's work email; the empty string removes it. It returns
// ErrNotFound for an unknown person.
func (s *Simulator) ChangeEmail(personID, email string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.person(personID)
	if err != nil {
		return err
	}
	p.email = email
	p.updatedAt = stampOf(s.now)
	s.recompute(causeMutation)
	return nil
}

// Offboard sets a person's last working day (the clock's day when zero) and, when it is
// later, the employment end date, and ends their current role that day. The person becomes
// offboarded at once when lastDay is not after the clock's day, and otherwise once the
// clock passes it. It returns ErrNotFound for an unknown person.
func (s *Simulator) Offboard(personID string, lastDay civil.Date) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.person(personID)
	if err != nil {
		return err
	}
	today := s.today()
	if lastDay.IsZero() {
		lastDay = today
	}
	now := stampOf(s.now)
	p.lastWorkingDay = lastDay
	if p.endDate.IsZero() || p.endDate.Before(lastDay) {
		p.endDate = lastDay
	}
	if !lastDay.After(today) {
		p.forcedStatus = humaans.StatusOffboarded
	}
	p.updatedAt = now
	for _, r := range s.rolesByPerson[personID] {
		if r.effectiveOn(lastDay) || r.effectiveDate.After(lastDay) {
			if r.endDate.IsZero() || r.endDate.After(lastDay) {
				r.endDate, r.updatedAt = lastDay, now
			}
		}
	}
	s.recompute(causeMutation)
	return nil
}

// Delete removes a person with their job roles and custom values; later GETs of the id are
// 404. Other people's roles that reported to them keep the dangling id, as a deletion in
// Humaans would leave them. It returns ErrNotFound for an unknown person.
func (s *Simulator) Delete(personID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.deleteLocked(personID) {
		return fmt.Errorf("%w: person %q", ErrNotFound, personID)
	}
	s.recompute(causeMutation)
	return nil
}

func (s *Simulator) deleteLocked(id string) bool {
	if s.peopleByID[id] == nil {
		return false
	}
	delete(s.peopleByID, id)
	delete(s.rolesByPerson, id)
	s.people = slices.DeleteFunc(s.people, func(p *person) bool { return p.id == id })
	s.roles = slices.DeleteFunc(s.roles, func(r *jobRole) bool { return r.personID == id })
	s.values = slices.DeleteFunc(s.values, func(v *customValue) bool { return v.personID == id })
	return true
}

// SetCustomValue sets a person's value of the custom field named fieldName (matched
// exactly, then case-insensitively). value is a string, a []string (or a JSON array of
// strings) for a list, or nil to remove the value. The value row is created when missing.
// It returns ErrNotFound for an unknown person or field and ErrInvalid for another type.
func (s *Simulator) SetCustomValue(personID, fieldName string, value any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.person(personID)
	if err != nil {
		return err
	}
	f := s.fieldNamed(fieldName)
	if f == nil {
		return fmt.Errorf("%w: custom field %q", ErrNotFound, fieldName)
	}
	if value == nil {
		s.values = slices.DeleteFunc(s.values, func(cv *customValue) bool {
			return cv.personID == p.id && cv.fieldID == f.id
		})
		s.cache = map[string]any{}
		return nil
	}
	v, err := toValue(value)
	if err != nil {
		return err
	}
	s.setValueLocked(p, f, v)
	s.cache = map[string]any{}
	return nil
}

func (s *Simulator) fieldNamed(name string) *customField {
	for _, f := range s.fields {
		if f.name == name {
			return f
		}
	}
	for _, f := range s.fields {
		if strings.EqualFold(f.name, name) {
			return f
		}
	}
	return nil
}

func (s *Simulator) setValueLocked(p *person, f *customField, v humaans.Value) *customValue {
	now := stampOf(s.now)
	for _, cv := range s.values {
		if cv.personID == p.id && cv.fieldID == f.id {
			cv.value, cv.updatedAt = v, now
			return cv
		}
	}
	cv := &customValue{id: s.ids.next(), personID: p.id, fieldID: f.id, value: v,
		createdAt: now, updatedAt: now}
	s.values = append(s.values, cv)
	return cv
}

func toValue(value any) (humaans.Value, error) {
	switch v := value.(type) {
	case string:
		return scalar(v), nil
	case []string:
		return humaans.Value{Items: slices.Clone(v), List: true}, nil
	case []any:
		items := make([]string, 0, len(v))
		for _, item := range v {
			str, ok := item.(string)
			if !ok {
				return humaans.Value{}, fmt.Errorf("%w: list items must be strings", ErrInvalid)
			}
			items = append(items, str)
		}
		return humaans.Value{Items: items, List: true}, nil
	}
	return humaans.Value{}, fmt.Errorf("%w: a custom value is a string or a list of strings",
		ErrInvalid)
}
