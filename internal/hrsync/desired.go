package hrsync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// desired is the directory a snapshot asks for.
type desired struct {
	// people holds every person the sync writes: current people, plus
	// offboarded people who are stored or whom the settings include.
	people map[string]*record
	// created is each person's Humaans creation time, for duplicate email
	// resolution.
	created map[string]time.Time
	// inSnapshot holds the id of every person the snapshot lists.
	inSnapshot map[string]struct{}
	problems   []schema.Problem
	skipped    int
	// listed counts the people the snapshot listed.
	listed int
}

// builder turns a snapshot into the desired directory. It consumes the
// snapshot's people, job roles and custom values: build leaves those lists
// empty once the records hold what the sync needs of them.
type builder struct {
	snap              *humaans.Snapshot
	stored            *state
	today             civil.Date
	includeOffboarded bool
	// fullReconcile is whether people missing from the snapshot are gone.
	fullReconcile bool

	locations map[string]struct{}
	entities  map[string]struct{}
	zones     map[string]bool
	out       *desired
}

func (b *builder) build() *desired {
	b.out = &desired{
		people:     make(map[string]*record, len(b.snap.People)),
		created:    make(map[string]time.Time, len(b.snap.People)),
		inSnapshot: make(map[string]struct{}, len(b.snap.People)),
	}
	b.locations = make(map[string]struct{}, len(b.snap.Locations))
	for _, l := range b.snap.Locations {
		b.locations[l.ID] = struct{}{}
	}
	b.entities = make(map[string]struct{}, len(b.snap.Companies))
	for _, c := range b.snap.Companies {
		b.entities[c.ID] = struct{}{}
	}
	b.zones = make(map[string]bool)

	roles := rolesByPerson(b.snap.JobRoles)
	for i := range b.snap.People {
		p := &b.snap.People[i]
		b.out.inSnapshot[p.ID] = struct{}{}
		if r := b.person(p, roles[p.ID]); r != nil {
			b.out.people[r.ID] = r
			b.out.created[r.ID] = p.CreatedAt
		}
	}
	b.out.listed = len(b.snap.People)
	// The records hold what the sync needs of people and roles from here:
	// let the snapshot's copies go while the rest of the plan is built.
	b.snap.People, b.snap.JobRoles = nil, nil
	b.dropDuplicateEmails()
	b.resolveManagers()
	b.addCustomValues()
	b.snap.CustomValues = nil
	return b.out
}

// rolesByPerson sorts roles by person, then id, and returns each person's
// rows as a window of that slice, so that no row is copied. currentRole
// does not depend on the order of a person's rows.
func rolesByPerson(roles []humaans.JobRole) map[string][]humaans.JobRole {
	slices.SortFunc(roles, func(a, b humaans.JobRole) int {
		if c := strings.Compare(a.PersonID, b.PersonID); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := make(map[string][]humaans.JobRole, len(roles))
	for lo := 0; lo < len(roles); {
		hi := lo + 1
		for hi < len(roles) && roles[hi].PersonID == roles[lo].PersonID {
			hi++
		}
		out[roles[lo].PersonID] = roles[lo:hi:hi]
		lo = hi
	}
	return out
}

// person builds the record of one snapshot person, or nil when the person
// is not synced.
func (b *builder) person(p *humaans.Person, roles []humaans.JobRole) *record {
	r := &record{ID: p.ID}
	fallback := currentOnly
	switch p.Status {
	case humaans.StatusActive:
		r.Status = person.StatusACTIVE
	case humaans.StatusNewHire:
		r.Status = person.StatusPRE_HIRE
		fallback = orFirstFuture
	case humaans.StatusOffboarded:
		if _, stored := b.stored.people[p.ID]; !stored && !b.includeOffboarded {
			return nil
		}
		r.Status = person.StatusOFFBOARDED
		r.Departed = true
		fallback = orLastPast
	default:
		b.problem(schema.ProblemUnknownStatus, p, fmt.Sprintf("unknown status %q", p.Status))
		b.out.skipped++
		return nil
	}
	r.WorkEmail = schema.NormalizeEmail(p.Email)
	if r.WorkEmail == "" && !r.Departed {
		b.problem(schema.ProblemNoWorkEmail, p, "person has no work email and is not synced")
		b.out.skipped++
		return nil
	}
	r.EmployeeID = strings.TrimSpace(p.EmployeeID)
	r.FirstName = p.FirstName
	r.LastName = p.LastName
	r.PreferredName = p.PreferredName
	r.Teams = teamNames(p.Teams)
	r.EmploymentType = p.ContractType
	r.StartDate = firstOf(p.EmploymentStartDate, p.FirstWorkingDay)
	r.EndDate = firstOf(p.EmploymentEndDate, p.LastWorkingDay)
	r.ProbationEnd = p.ProbationEndDate
	r.DateOfBirth = p.Birthday
	r.BirthdayHidden = p.IsBirthdayHidden
	r.Timezone = b.zone(p)
	r.LocationID = b.location(p)
	r.LegalEntityID = b.entity(p)
	if role := currentRole(roles, b.today, fallback); role != nil {
		r.JobTitle = role.JobTitle
		r.Department = role.Department
		r.ManagerID = role.ReportingTo
	}
	return r
}

// zone is the person's own IANA zone: the remote zone for remote workers,
// else their timezone. An invalid name is reported and dropped.
func (b *builder) zone(p *humaans.Person) string {
	z := strings.TrimSpace(p.RemoteTimezone)
	if z == "" {
		z = strings.TrimSpace(p.Timezone)
	}
	if z == "" {
		return ""
	}
	valid, seen := b.zones[z]
	if !seen {
		_, err := time.LoadLocation(z)
		valid = err == nil
		b.zones[z] = valid
	}
	if !valid {
		b.problem(schema.ProblemInvalidTimezone, p, fmt.Sprintf("time zone %q is not known", z))
		return ""
	}
	return z
}

// location is the person's place of work; "remote" and unknown ids give
// none, the latter reported.
func (b *builder) location(p *humaans.Person) string {
	id := p.LocationID
	if id == "" || id == "remote" {
		return ""
	}
	if _, ok := b.locations[id]; !ok {
		b.problem(schema.ProblemUnknownLocation, p, fmt.Sprintf("location %s is not listed", id))
		return ""
	}
	return id
}

func (b *builder) entity(p *humaans.Person) string {
	id := p.CompanyID
	if id == "" {
		return ""
	}
	if _, ok := b.entities[id]; !ok {
		b.problem(schema.ProblemUnknownEntity, p, fmt.Sprintf("company %s is not listed", id))
		return ""
	}
	return id
}

func (b *builder) problem(kind string, p *humaans.Person, msg string) {
	b.out.problems = append(b.out.problems, schema.Problem{
		Kind:     kind,
		PersonID: p.ID,
		Email:    schema.NormalizeEmail(p.Email),
		Message:  msg,
	})
}

func teamNames(teams []humaans.Team) []string {
	if len(teams) == 0 {
		return nil
	}
	out := make([]string, 0, len(teams))
	for _, t := range teams {
		out = append(out, t.Name)
	}
	return out
}

func firstOf(dates ...civil.Date) civil.Date {
	for _, d := range dates {
		if !d.IsZero() {
			return d
		}
	}
	return civil.Date{}
}

// staysUntouched reports whether a stored current person keeps their row as
// it is: they are not in the desired set and this sync will not depart them.
func (b *builder) staysUntouched(id string) bool {
	s, ok := b.stored.people[id]
	if !ok || s.rec.Departed {
		return false
	}
	if _, want := b.out.people[id]; want {
		return false
	}
	_, listed := b.out.inSnapshot[id]
	return listed || !b.fullReconcile
}

// dropDuplicateEmails keeps one current person per work email: the one
// already stored with it, else the earliest created. An address still held
// by a stored person this sync leaves alone wins over every newcomer.
func (b *builder) dropDuplicateEmails() {
	holders := make(map[string][]string)
	for id, r := range b.out.people {
		if !r.Departed {
			holders[r.WorkEmail] = append(holders[r.WorkEmail], id)
		}
	}
	held := make(map[string]string)
	for id, s := range b.stored.people {
		if s.rec.WorkEmail != "" && b.staysUntouched(id) {
			held[s.rec.WorkEmail] = id
		}
	}
	emails := make([]string, 0, len(holders))
	for e := range holders {
		emails = append(emails, e)
	}
	slices.Sort(emails)
	for _, email := range emails {
		ids := holders[email]
		keeper := b.keeper(email, ids)
		if other, ok := held[email]; ok {
			keeper = ""
			ids = append(ids, other)
		}
		if len(ids) < 2 {
			continue
		}
		for _, id := range ids {
			if id == keeper || id == held[email] {
				continue
			}
			msg := fmt.Sprintf("work email %s is also used by %s; not synced",
				email, strings.Join(others(ids, id), ", "))
			b.out.problems = append(b.out.problems, schema.Problem{
				Kind: schema.ProblemDuplicateEmail, PersonID: id, Email: email, Message: msg,
			})
			b.out.skipped++
			delete(b.out.people, id)
		}
	}
}

// keeper picks who keeps a shared email among ids.
func (b *builder) keeper(email string, ids []string) string {
	best := ""
	rank := func(id string) (int, time.Time) {
		s, ok := b.stored.people[id]
		switch {
		case ok && !s.rec.Departed && s.rec.WorkEmail == email:
			return 0, b.out.created[id]
		case ok:
			return 1, b.out.created[id]
		}
		return 2, b.out.created[id]
	}
	for _, id := range ids {
		if best == "" {
			best = id
			continue
		}
		ra, ta := rank(id)
		rb, tb := rank(best)
		if ra < rb || (ra == rb && (ta.Before(tb) || (ta.Equal(tb) && id < best))) {
			best = id
		}
	}
	return best
}

func others(ids []string, id string) []string {
	out := make([]string, 0, len(ids)-1)
	for _, o := range ids {
		if o != id {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}

// resolveManagers clears managers who will not be in the database and the
// manager edges of people on a reporting loop, reporting both.
func (b *builder) resolveManagers() {
	ids := make([]string, 0, len(b.out.people))
	for id := range b.out.people {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := b.out.people[id]
		m := r.ManagerID
		if m == "" {
			continue
		}
		_, wanted := b.out.people[m]
		_, stored := b.stored.people[m]
		if wanted || stored {
			continue
		}
		msg := fmt.Sprintf("manager %s is not in the directory", m)
		if _, listed := b.out.inSnapshot[m]; !listed {
			msg = fmt.Sprintf("manager %s is not a known person", m)
		}
		b.out.problems = append(b.out.problems, schema.Problem{
			Kind: schema.ProblemUnknownManager, PersonID: id, Email: r.WorkEmail, Message: msg,
		})
		r.ManagerID = ""
	}

	graph := make(map[string]string, len(b.stored.people)+len(b.out.people))
	for id, s := range b.stored.people {
		graph[id] = s.rec.ManagerID
	}
	for id, r := range b.out.people {
		graph[id] = r.ManagerID
	}
	for _, loop := range findLoops(graph) {
		msg := "reporting loop among " + strings.Join(loop, ", ")
		for _, id := range loop {
			r, ok := b.out.people[id]
			if !ok {
				continue
			}
			b.out.problems = append(b.out.problems, schema.Problem{
				Kind: schema.ProblemReportingLoop, PersonID: id, Email: r.WorkEmail, Message: msg,
			})
			r.ManagerID = ""
		}
	}
}

// addCustomValues attaches the values of selected custom fields.
func (b *builder) addCustomValues() {
	touched := make(map[string]*record)
	for _, v := range b.snap.CustomValues {
		if !b.stored.selected[v.CustomFieldID] {
			continue
		}
		r, ok := b.out.people[v.PersonID]
		if !ok {
			continue
		}
		r.Custom = append(r.Custom, customValue{
			DefID: v.CustomFieldID, Value: v.Value.String(), Items: nilIfEmpty(v.Value.Items),
			List: v.Value.List,
		})
		touched[r.ID] = r
	}
	for _, r := range touched {
		sortCustom(r.Custom)
		// Humaans lists one value per person and field; should it list
		// more, the first one listed is kept.
		r.Custom = slices.CompactFunc(r.Custom, func(a, b customValue) bool {
			return a.DefID == b.DefID
		})
	}
}
