package humaans

import "sync"

// interner keeps one copy of strings that repeat across the records of one
// read: company, location and custom field ids, time zones, departments,
// team names, the person ids that roles and custom values point to. The
// decoder allocates every string it reads; sharing the repeats lets the
// copies go as soon as a page is decoded, which matters at 100,000 people.
type interner struct {
	mu sync.Mutex
	m  map[string]string
}

func newInterner() *interner {
	return &interner{m: make(map[string]string)}
}

// str replaces *s with the shared copy of its value.
func (in *interner) str(s *string) {
	if *s == "" {
		return
	}
	if v, ok := in.m[*s]; ok {
		*s = v
		return
	}
	in.m[*s] = *s
}

// strs interns every element of ss.
func (in *interner) strs(ss []string) {
	for i := range ss {
		in.str(&ss[i])
	}
}

// internable is a record whose repeated strings can be shared.
type internable interface {
	intern(in *interner)
}

// internRows shares the repeated strings of one decoded page. A nil
// interner leaves the rows as decoded.
func internRows[T any](in *interner, rows []T) {
	if in == nil || len(rows) == 0 {
		return
	}
	if _, ok := any(&rows[0]).(internable); !ok {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for i := range rows {
		any(&rows[i]).(internable).intern(in)
	}
}

func (p *Person) intern(in *interner) {
	for _, s := range []*string{
		&p.ID, &p.CompanyID, &p.FirstName, &p.LastName, &p.ContractType, &p.LocationID,
		&p.Timezone, &p.RemoteTimezone, &p.RemoteCity, &p.RemoteCountryCode, &p.Gender,
	} {
		in.str(s)
	}
	p.Status = Status(in.shared(string(p.Status)))
	for i := range p.Teams {
		in.str(&p.Teams[i].Name)
	}
	in.strs(p.DirectReports)
}

func (r *JobRole) intern(in *interner) {
	for _, s := range []*string{&r.PersonID, &r.JobTitle, &r.Department, &r.ReportingTo} {
		in.str(s)
	}
}

func (v *CustomValue) intern(in *interner) {
	in.str(&v.PersonID)
	in.str(&v.CustomFieldID)
	in.strs(v.Value.Items)
}

func (l *Location) intern(in *interner) {
	in.str(&l.ID)
	in.str(&l.CompanyID)
	in.str(&l.Timezone)
}

// shared returns the shared copy of s.
func (in *interner) shared(s string) string {
	in.str(&s)
	return s
}
