package hrsync

import "slices"

// Names of the changed fields events report; they follow the graph's field
// names. Custom values are reported as "customFields.<name>".
const (
	fieldManager      = "manager"
	customFieldPrefix = "customFields."
)

// syncedField describes one compared field of a person.
type syncedField struct {
	name string
	// private fields are named in events but their values are left out.
	private bool
	get     func(r *record) any
	equal   func(a, b *record) bool
}

func stringField(name string, get func(r *record) string) syncedField {
	return syncedField{
		name:  name,
		get:   func(r *record) any { return get(r) },
		equal: func(a, b *record) bool { return get(a) == get(b) },
	}
}

// syncedFields lists the person fields a sync compares, manager excluded:
// a manager change is its own event.
var syncedFields = []syncedField{
	stringField("employeeId", func(r *record) string { return r.EmployeeID }),
	stringField("firstName", func(r *record) string { return r.FirstName }),
	stringField("lastName", func(r *record) string { return r.LastName }),
	stringField("preferredName", func(r *record) string { return r.PreferredName }),
	stringField("workEmail", func(r *record) string { return r.WorkEmail }),
	stringField("jobTitle", func(r *record) string { return r.JobTitle }),
	stringField("department", func(r *record) string { return r.Department }),
	{
		name:  "teams",
		get:   func(r *record) any { return r.Teams },
		equal: func(a, b *record) bool { return slices.Equal(a.Teams, b.Teams) },
	},
	stringField("employmentType", func(r *record) string { return r.EmploymentType }),
	stringField("status", func(r *record) string { return string(r.Status) }),
	stringField("startDate", func(r *record) string { return r.StartDate.String() }),
	stringField("endDate", func(r *record) string { return r.EndDate.String() }),
	stringField("probationEndDate", func(r *record) string { return r.ProbationEnd.String() }),
	func() syncedField {
		f := stringField("dateOfBirth", func(r *record) string { return r.DateOfBirth.String() })
		f.private = true
		return f
	}(),
	{
		name:  "birthdayHidden",
		get:   func(r *record) any { return r.BirthdayHidden },
		equal: func(a, b *record) bool { return a.BirthdayHidden == b.BirthdayHidden },
	},
	stringField("timezone", func(r *record) string { return r.Timezone }),
	stringField("location", func(r *record) string { return r.LocationID }),
	stringField("legalEntity", func(r *record) string { return r.LegalEntityID }),
}

// change is one changed field with its old and new values.
type change struct {
	Field string `json:"field"`
	From  any    `json:"from,omitempty"`
	To    any    `json:"to,omitempty"`
}

// compare lists what differs between the stored and desired person, manager
// and departure state excluded. names resolves custom field ids to names.
func compare(old, cur *record, names map[string]string) []change {
	var out []change
	for _, f := range syncedFields {
		if f.equal(old, cur) {
			continue
		}
		c := change{Field: f.name}
		if !f.private {
			c.From, c.To = f.get(old), f.get(cur)
		}
		out = append(out, c)
	}
	return append(out, compareCustom(old, cur, names)...)
}

func compareCustom(old, cur *record, names map[string]string) []change {
	var out []change
	add := func(id string, from, to *customValue) {
		name := names[id]
		if name == "" {
			name = id
		}
		c := change{Field: customFieldPrefix + name}
		if from != nil {
			c.From = from.Value
		}
		if to != nil {
			c.To = to.Value
		}
		out = append(out, c)
	}
	// Both lists are sorted by definition id: walk them together.
	i, j := 0, 0
	for i < len(old.Custom) || j < len(cur.Custom) {
		switch {
		case j == len(cur.Custom) || (i < len(old.Custom) && old.Custom[i].DefID < cur.Custom[j].DefID):
			add(old.Custom[i].DefID, &old.Custom[i], nil)
			i++
		case i == len(old.Custom) || cur.Custom[j].DefID < old.Custom[i].DefID:
			add(cur.Custom[j].DefID, nil, &cur.Custom[j])
			j++
		default:
			if !old.Custom[i].equal(cur.Custom[j]) {
				add(cur.Custom[j].DefID, &old.Custom[i], &cur.Custom[j])
			}
			i++
			j++
		}
	}
	return out
}
