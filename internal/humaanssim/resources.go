package humaanssim

import (
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// viewKey names a view in cache keys.
func (v view) key() string {
	switch {
	case v.private:
		return "private"
	case v.hideOffboarded:
		return "public-current"
	}
	return "public"
}

// visiblePeople returns the people v may see, in creation order.
func (s *Simulator) visiblePeople(v view) []*person {
	if v.private {
		return s.people
	}
	return cached(s, "people|"+v.key(), func() []*person {
		out := make([]*person, 0, len(s.people))
		for _, p := range s.people {
			if v.sees(p) {
				out = append(out, p)
			}
		}
		return out
	})
}

// ofVisiblePeople keeps the rows whose person v may see.
func ofVisiblePeople[T any](s *Simulator, v view, rows []T, owner func(T) string) []T {
	if v.private {
		return rows
	}
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		if v.sees(s.peopleByID[owner(r)]) {
			out = append(out, r)
		}
	}
	return out
}

var peopleResource = resource[*person]{
	proto: &person{},
	visible: func(s *Simulator, v view, _ *listQuery) []*person {
		return s.visiblePeople(v)
	},
	encode: func(s *Simulator, b []byte, p *person, v view) []byte {
		return s.appendPerson(b, p, v)
	},
	id: func(p *person) string { return p.id },
	get: func(s *Simulator, v view, id string) (*person, bool) {
		p := s.peopleByID[id]
		return p, p != nil && v.sees(p)
	},
	adjust: func(s *Simulator, q *listQuery) {
		if s.opts.DefaultStatusActiveOnly && !q.hasCond("status") {
			q.conds = append(q.conds, cond{field: "status", op: opEq,
				values: []string{string(humaans.StatusActive)}})
		}
	},
}

var rolesResource = resource[*jobRole]{
	proto: &jobRole{},
	visible: func(s *Simulator, v view, q *listQuery) []*jobRole {
		rows := cached(s, "job-roles|"+v.key(), func() []*jobRole {
			return ofVisiblePeople(s, v, s.roles, func(r *jobRole) string { return r.personID })
		})
		if q.asOf.IsZero() {
			return rows
		}
		return cached(s, "job-roles|"+v.key()+"|"+q.asOf.String(), func() []*jobRole {
			return s.rolesAsOf(rows, q.asOf)
		})
	},
	encode: func(s *Simulator, b []byte, r *jobRole, _ view) []byte {
		return appendJobRole(b, r, s.companyOf(r.personID))
	},
	id: func(r *jobRole) string { return r.id },
}

// rolesAsOf keeps, from rows, the single row per person in force on day d.
func (s *Simulator) rolesAsOf(rows []*jobRole, d civil.Date) []*jobRole {
	out := make([]*jobRole, 0, len(s.people))
	for _, r := range rows {
		if roleOn(s.rolesByPerson[r.personID], d) == r {
			out = append(out, r)
		}
	}
	return out
}

var locationsResource = resource[*location]{
	proto:   &location{},
	visible: func(s *Simulator, _ view, _ *listQuery) []*location { return s.locations },
	encode: func(_ *Simulator, b []byte, l *location, _ view) []byte {
		return appendLocation(b, l)
	},
	id: func(l *location) string { return l.id },
}

var companiesResource = resource[*company]{
	proto:   &company{},
	visible: func(s *Simulator, _ view, _ *listQuery) []*company { return s.companies },
	encode:  func(_ *Simulator, b []byte, c *company, _ view) []byte { return appendCompany(b, c) },
	id:      func(c *company) string { return c.id },
}

var fieldsResource = resource[*customField]{
	proto:   &customField{},
	visible: func(s *Simulator, _ view, _ *listQuery) []*customField { return s.fields },
	encode: func(_ *Simulator, b []byte, f *customField, _ view) []byte {
		return appendCustomField(b, f)
	},
	id: func(f *customField) string { return f.id },
}

var valuesResource = resource[*customValue]{
	proto: &customValue{},
	visible: func(s *Simulator, v view, _ *listQuery) []*customValue {
		return cached(s, "custom-values|"+v.key(), func() []*customValue {
			return ofVisiblePeople(s, v, s.values,
				func(cv *customValue) string { return cv.personID })
		})
	},
	encode: func(_ *Simulator, b []byte, cv *customValue, _ view) []byte {
		return appendCustomValue(b, cv)
	},
	id: func(cv *customValue) string { return cv.id },
}
