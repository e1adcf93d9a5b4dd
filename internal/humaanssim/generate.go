package humaanssim

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// ceoStartDays is how long before the clock the generated company's CEO started.
const ceoStartDays = 3000

const day = 24 * time.Hour

// special marks the generated people whose dates make a particular case.
type special int

const (
	plain      special = iota
	preHire            // newHire, starting within 60 days
	departed           // offboarded in the past year
	ending             // active, leaving within 30 days
	noEmail            // active, without a work email
	scheduled          // active, with a role change scheduled within 45 days
	leapDay            // born on 29 February
	hiddenBday         // isBirthdayHidden
)

// generator builds a company from a seed. It is used once, by generate.
type generator struct {
	rng    *rand.Rand
	ids    *idSource
	now    time.Time
	today  civil.Date
	ds     dataset
	emails map[string]bool

	// The shape of the company, by person index: 0 is the CEO.
	dept    []int // index into departments, -1 for the CEO
	manager []int // index of the manager, -1 for the CEO
	teams   [][]string
	title   []string
	kind    []special
	leads   []bool // whether the person has reports
}

// generate returns a company of n people, deterministic for seed, now and the id source's
// own seed.
func generate(n int, seed int64, now time.Time, ids *idSource) *dataset {
	g := &generator{
		rng:    rand.New(rand.NewPCG(uint64(seed), streamCompany)),
		ids:    ids,
		now:    now,
		today:  civil.DateOf(now.UTC()),
		emails: make(map[string]bool, n),
	}
	g.companies(n)
	g.locations()
	g.shape(n)
	g.specials(n)
	for i := range n {
		g.person(i)
	}
	g.customFields()
	for _, p := range g.ds.people {
		g.customValues(p)
	}
	g.sortByCreation()
	return &g.ds
}

func (g *generator) intn(n int) int { return g.rng.IntN(n) }

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g *generator, xs []T) T { return xs[g.intn(len(xs))] }

// stampOn returns a random instant within day d (UTC), never after the clock.
func (g *generator) stampOn(d civil.Date) stamp {
	t := d.In(time.UTC, 0).Add(time.Duration(g.intn(86_400_000)) * time.Millisecond)
	if t.After(g.now) {
		t = g.now.Add(-time.Duration(1+g.intn(3_600_000)) * time.Millisecond)
	}
	return stampOf(t)
}

// between returns a random stamp in [lo, hi], or lo when hi is not after it.
func (g *generator) between(lo, hi stamp) stamp {
	if hi <= lo {
		return lo
	}
	return lo + stamp(g.rng.Int64N(int64(hi-lo)+1))
}

func (g *generator) companies(n int) {
	created := g.stampOn(g.today.AddDays(-ceoStartDays - 30))
	add := func(name string, domains ...string) {
		g.ds.companies = append(g.ds.companies, &company{
			id: g.ids.next(), name: name, domains: domains, createdAt: created,
			updatedAt: g.between(created, stampOf(g.now)),
		})
	}
	add("Lumen Labs Ltd", "lumenlabs.example")
	add("Lumen Labs Inc", "lumenlabs.example", "lumenlabs-us.example")
	if n >= 100 {
		add("Lumen Labs KK", "lumenlabs.example")
	}
}

func (g *generator) locations() {
	for _, o := range offices {
		c := g.ds.companies[min(o.company, len(g.ds.companies)-1)]
		created := g.between(c.createdAt, stampOf(g.now.Add(-400*day)))
		g.ds.locations = append(g.ds.locations, &location{
			id: g.ids.next(), companyID: c.id, label: o.label, city: o.city,
			country: o.country, countryCode: o.countryCode, timezone: o.timezone,
			createdAt: created, updatedAt: g.between(created, stampOf(g.now)),
		})
	}
}

// shape assigns departments, managers, teams and titles. Within a department people are
// attached breadth first to managers with 3 to 8 reports each, so every manager has a lower
// index than their reports and every chain ends at the CEO.
func (g *generator) shape(n int) {
	g.dept = make([]int, n)
	g.manager = make([]int, n)
	g.teams = make([][]string, n)
	g.title = make([]string, n)
	g.kind = make([]special, n)
	g.leads = make([]bool, n)
	g.dept[0], g.manager[0] = -1, -1
	g.teams[0], g.title[0] = []string{"Leadership"}, "Chief Executive Officer"
	total := 0
	for _, d := range departments {
		total += d.weight
	}
	members := make([][]int, len(departments))
	for i := 1; i < n; i++ {
		d := g.weighted(total, func(k int) int { return departments[k].weight })
		g.dept[i] = d
		members[d] = append(members[d], i)
	}
	for d, m := range members {
		g.department(d, m)
	}
	for i := 1; i < n; i++ {
		g.leads[g.manager[i]] = true
	}
	for i := 1; i < n; i++ {
		g.title[i] = g.titleFor(i)
		if g.chance(0.05) {
			g.teams[i] = append(slices.Clip(g.teams[i]), pick(g, crossTeams))
		}
	}
}

// weighted picks an index whose share is weight(k)/total.
func (g *generator) weighted(total int, weight func(int) int) int {
	r := g.intn(total)
	for k := 0; ; k++ {
		r -= weight(k)
		if r < 0 {
			return k
		}
	}
}

func (g *generator) department(d int, members []int) {
	if len(members) == 0 {
		return
	}
	dep := departments[d]
	head := members[0]
	g.manager[head] = 0
	g.teams[head] = []string{dep.name + " Leadership"}
	queue, next := []int{head}, 1
	for q := 0; next < len(members); q++ {
		m := queue[q]
		span := 3 + g.intn(6)
		for k := 0; k < span && next < len(members); k++ {
			r := members[next]
			next++
			g.manager[r] = m
			if m == head {
				g.teams[r] = []string{dep.teams[k%len(dep.teams)]}
			} else {
				g.teams[r] = g.teams[m]
			}
			queue = append(queue, r)
		}
	}
}

func (g *generator) titleFor(i int) string {
	dep := departments[g.dept[i]]
	switch {
	case g.manager[i] == 0:
		return dep.head
	case g.leads[i]:
		return dep.manager
	case g.chance(0.1):
		return dep.seniorOne
	default:
		return pick(g, dep.icTitles)
	}
}

// specials picks, among people without reports, who is a pre-hire, who has left, who is
// leaving, who has no work email and who has a scheduled role change, so that no manager
// of an active person is absent.
func (g *generator) specials(n int) {
	var leaves []int
	for i := 1; i < n; i++ {
		if !g.leads[i] {
			leaves = append(leaves, i)
		}
	}
	g.rng.Shuffle(len(leaves), func(a, b int) { leaves[a], leaves[b] = leaves[b], leaves[a] })
	share := func(p float64, minN, from int) int {
		if n < from {
			return 0
		}
		return max(minN, int(math.Round(float64(n)*p)))
	}
	counts := []struct {
		kind special
		n    int
	}{
		{preHire, share(0.05, 1, 4)}, {departed, share(0.05, 1, 4)},
		{ending, share(0.01, 1, 20)}, {noEmail, share(0.01, 1, 20)},
		{scheduled, share(0.02, 1, 10)},
		{leapDay, share(0.007, 1, 10)}, {hiddenBday, share(0.03, 1, 10)},
	}
	for _, c := range counts {
		for k := 0; k < c.n && len(leaves) > 0; k++ {
			g.kind[leaves[0]] = c.kind
			leaves = leaves[1:]
		}
	}
}

func (g *generator) person(i int) {
	first, last := pick(g, firstNames), pick(g, lastNames)
	p := &person{
		id: g.ids.next(), firstName: first, lastName: last,
		employeeID: fmt.Sprintf("LL%05d", i+1), teams: g.teams[i],
		contractType: g.contractType(i),
	}
	if g.chance(0.15) {
		p.middleName = pick(g, middleNames)
	}
	if g.chance(0.08) {
		p.preferredName = string([]rune(first)[:3])
	}
	g.place(i, p)
	g.personal(i, p)
	g.dates(i, p)
	g.ds.people = append(g.ds.people, p)
	g.roles(i, p)
}

func (g *generator) contractType(i int) string {
	if i == 0 || g.leads[i] {
		return "fullTime"
	}
	k := g.weighted(100, func(k int) int { return contractWeights[k].weight })
	return contractWeights[k].kind
}

// place sets the location, company, time zone and, for remote workers, where they live.
func (g *generator) place(i int, p *person) {
	o := 0
	if i > 0 {
		o = g.weighted(100, func(k int) int { return offices[k].weight })
	}
	loc := g.ds.locations[o]
	p.locationID, p.companyID, p.timezone = loc.id, loc.companyID, loc.timezone
	p.city, p.countryCode = loc.city, loc.countryCode
	p.phoneNumber = fmt.Sprintf("%s %04d", offices[o].phonePrefix, g.intn(10000))
	if i > 0 && g.chance(0.08) {
		r := pick(g, remotePlaces)
		p.remoteCity, p.remoteCountryCode, p.remoteTimezone = r.city, r.countryCode, r.timezone
		p.timezone, p.city, p.countryCode = r.timezone, r.city, r.countryCode
	}
	if g.kind[i] != noEmail {
		p.email = g.uniqueEmail(p.firstName, p.lastName)
	}
}

func (g *generator) uniqueEmail(first, last string) string {
	local := foldEmail(first) + "." + foldEmail(last)
	email := local + "@lumenlabs.example"
	for k := 2; g.emails[email]; k++ {
		email = fmt.Sprintf("%s%d@lumenlabs.example", local, k)
	}
	g.emails[email] = true
	return email
}

// foldEmail lower-cases a name and maps its accented letters to ASCII.
func foldEmail(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := emailFold[r]; ok {
			b.WriteString(f)
		} else if r < 128 && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *generator) personal(i int, p *person) {
	p.personalEmail = fmt.Sprintf("%s.%s%d@mail.example",
		foldEmail(p.firstName), foldEmail(p.lastName), 10+g.intn(90))
	if g.chance(0.95) {
		p.gender = pick(g, genders)
	}
	p.address = fmt.Sprintf("%d %s", 1+g.intn(200), pick(g, streets))
	p.postcode = fmt.Sprintf("%05d", g.intn(100000))
	year := g.today.Year - 22 - g.intn(43)
	p.birthday = civil.Date{Year: year, Month: time.January, Day: 1}.AddDays(g.intn(365))
	switch g.kind[i] {
	case leapDay:
		for !civil.IsLeapYear(year) {
			year--
		}
		p.birthday = civil.Date{Year: year, Month: time.February, Day: 29}
	case hiddenBday:
		p.birthdayHidden = true
	}
}

// dates sets employment dates and the record's timestamps. A manager always started before
// their reports.
func (g *generator) dates(i int, p *person) {
	now := stampOf(g.now)
	switch g.kind[i] {
	case preHire:
		p.startDate = g.today.AddDays(1 + g.intn(60))
	case departed:
		end := g.today.AddDays(-1 - g.intn(365))
		p.startDate = end.AddDays(-90 - g.intn(1500))
		p.lastWorkingDay, p.endDate = end, end
		if g.chance(0.2) {
			p.endDate = end.AddDays(14)
		}
	default:
		p.startDate = g.startAfterManager(i)
	}
	if g.kind[i] == ending {
		p.lastWorkingDay = g.today.AddDays(1 + g.intn(30))
		p.endDate = p.lastWorkingDay
	}
	p.firstWorkingDay = p.startDate
	if daysBetween(p.startDate, g.today) < 180 && p.contractType != "contractor" {
		p.probationEndDate = addMonths(p.startDate, 6)
	}
	if g.kind[i] == preHire {
		p.createdAt = g.between(now-stamp((30*day).Milliseconds()),
			now-stamp(time.Hour.Milliseconds()))
	} else {
		p.createdAt = g.stampOn(p.startDate.AddDays(-7 - g.intn(40)))
	}
	p.updatedAt = g.between(p.createdAt, now)
	if g.kind[i] == departed {
		p.updatedAt = g.between(max(p.createdAt, g.stampOn(p.lastWorkingDay)), now)
	}
}

func (g *generator) startAfterManager(i int) civil.Date {
	if i == 0 {
		return g.today.AddDays(-ceoStartDays)
	}
	from := g.ds.people[g.manager[i]].startDate
	span := daysBetween(from, g.today) - 2
	if span < 1 {
		return g.today.AddDays(-1)
	}
	u := g.rng.Float64()
	return from.AddDays(1 + int(float64(span)*u*u*u))
}

// roles writes the person's job role history: one to three past rows, an end date for
// leavers, a future row for scheduled changes and a single future row for pre-hires.
func (g *generator) roles(i int, p *person) {
	reportsTo := ""
	if i > 0 {
		reportsTo = g.ds.people[g.manager[i]].id
	}
	department := "Leadership"
	if i > 0 {
		department = departments[g.dept[i]].name
	}
	tenure := daysBetween(p.startDate, g.today)
	rows := 1
	if g.kind[i] != preHire && tenure > 730 && g.chance(0.45) {
		rows = 2
		if tenure > 1460 && g.chance(0.35) {
			rows = 3
		}
	}
	var made []*jobRole
	for k := range rows {
		eff := p.startDate.AddDays(tenure * k / rows)
		title := g.title[i]
		if k < rows-1 {
			title = g.earlierTitle(i)
		}
		r := &jobRole{
			id: g.ids.next(), personID: p.id, jobTitle: title, department: department,
			reportingTo: reportsTo, effectiveDate: eff, createdAt: p.createdAt,
		}
		if k > 0 {
			r.createdAt = g.stampOn(eff.AddDays(-1 - g.intn(14)))
			prev := made[k-1]
			prev.endDate, prev.updatedAt = eff.AddDays(-1), r.createdAt
		}
		r.updatedAt = r.createdAt
		made = append(made, r)
	}
	last := made[len(made)-1]
	if !p.lastWorkingDay.IsZero() {
		last.endDate = p.lastWorkingDay
		last.updatedAt = max(last.createdAt, min(p.updatedAt, stampOf(g.now)))
	}
	if g.kind[i] == scheduled {
		eff := g.today.AddDays(3 + g.intn(43))
		r := &jobRole{
			id: g.ids.next(), personID: p.id, jobTitle: departments[g.dept[i]].seniorOne,
			department: department, reportingTo: reportsTo, effectiveDate: eff,
			createdAt: g.stampOn(g.today.AddDays(-1 - g.intn(5))),
		}
		r.updatedAt = r.createdAt
		last.endDate, last.updatedAt = eff.AddDays(-1), r.createdAt
		made = append(made, r)
	}
	g.ds.roles = append(g.ds.roles, made...)
}

func (g *generator) earlierTitle(i int) string {
	if i == 0 {
		return "Co-founder"
	}
	dep := departments[g.dept[i]]
	if g.leads[i] {
		return dep.seniorOne
	}
	return dep.icTitles[0]
}

// sortByCreation puts every list in creation order, which is the API's default order.
func (g *generator) sortByCreation() {
	slices.SortStableFunc(g.ds.people, func(a, b *person) int {
		return cmp.Compare(a.createdAt, b.createdAt)
	})
	slices.SortStableFunc(g.ds.roles, func(a, b *jobRole) int {
		return cmp.Compare(a.createdAt, b.createdAt)
	})
	slices.SortStableFunc(g.ds.values, func(a, b *customValue) int {
		return cmp.Compare(a.createdAt, b.createdAt)
	})
}

// daysBetween returns the number of days from a to b (negative when b is earlier).
func daysBetween(a, b civil.Date) int {
	return int(b.In(time.UTC, 12).Sub(a.In(time.UTC, 12)) / day)
}

// addMonths moves d by n calendar months, letting Go normalise a day past the month's end.
func addMonths(d civil.Date, n int) civil.Date {
	return civil.DateOf(time.Date(d.Year, d.Month+time.Month(n), d.Day, 12, 0, 0, 0, time.UTC))
}
