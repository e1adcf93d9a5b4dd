package hrsync

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sort"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// record is the synced content of one person, in plain values: an empty
// string or a zero date stands for NULL.
type record struct {
	ID             string
	EmployeeID     string
	FirstName      string
	LastName       string
	PreferredName  string
	WorkEmail      string
	JobTitle       string
	Department     string
	Teams          []string
	EmploymentType string
	Status         person.Status
	StartDate      civil.Date
	EndDate        civil.Date
	ProbationEnd   civil.Date
	DateOfBirth    civil.Date
	BirthdayHidden bool
	Timezone       string
	ManagerID      string
	LocationID     string
	LegalEntityID  string
	// Departed is whether the person is out of the directory.
	Departed bool
	// Custom holds the values of selected custom fields by definition id.
	Custom map[string]customValue
}

// customValue is one stored custom field value.
type customValue struct {
	Value string
	Items []string
	List  bool
}

func (v customValue) equal(w customValue) bool {
	return v.Value == w.Value && v.List == w.List && slices.Equal(v.Items, w.Items)
}

// recordOf converts a stored person (custom values are added separately).
func recordOf(p *ent.Person) record {
	return record{
		ID:             p.ID,
		EmployeeID:     deref(p.EmployeeID),
		FirstName:      p.FirstName,
		LastName:       p.LastName,
		PreferredName:  deref(p.PreferredName),
		WorkEmail:      deref(p.WorkEmail),
		JobTitle:       deref(p.JobTitle),
		Department:     deref(p.Department),
		Teams:          normTeams(p.Teams),
		EmploymentType: deref(p.EmploymentType),
		Status:         p.Status,
		StartDate:      derefDate(p.StartDate),
		EndDate:        derefDate(p.EndDate),
		ProbationEnd:   derefDate(p.ProbationEndDate),
		DateOfBirth:    derefDate(p.DateOfBirth),
		BirthdayHidden: p.BirthdayHidden,
		Timezone:       deref(p.Timezone),
		ManagerID:      deref(p.ManagerID),
		LocationID:     deref(p.LocationID),
		LegalEntityID:  deref(p.LegalEntityID),
		Departed:       p.DepartedAt != nil,
	}
}

// hash digests everything a sync writes about a person, so that an
// unchanged person is recognised without comparing field by field.
func (r *record) hash() string {
	h := sha256.New()
	str := func(s string) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, s := range []string{
		r.ID, r.EmployeeID, r.FirstName, r.LastName, r.PreferredName, r.WorkEmail,
		r.JobTitle, r.Department, r.EmploymentType, string(r.Status),
		r.StartDate.String(), r.EndDate.String(), r.ProbationEnd.String(),
		r.DateOfBirth.String(), r.Timezone, r.ManagerID, r.LocationID, r.LegalEntityID,
	} {
		str(s)
	}
	flags := []byte{0, 0}
	if r.BirthdayHidden {
		flags[0] = 1
	}
	if r.Departed {
		flags[1] = 1
	}
	h.Write(flags)
	str("teams")
	for _, t := range r.Teams {
		str(t)
	}
	defs := make([]string, 0, len(r.Custom))
	for id := range r.Custom {
		defs = append(defs, id)
	}
	sort.Strings(defs)
	for _, id := range defs {
		v := r.Custom[id]
		str("custom")
		str(id)
		str(v.Value)
		if v.List {
			str("list")
		}
		for _, it := range v.Items {
			str(it)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefDate(d *civil.Date) civil.Date {
	if d == nil {
		return civil.Date{}
	}
	return *d
}

// optional returns nil for the empty string, which stores NULL.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optionalDate returns nil for the zero date, which stores NULL.
func optionalDate(d civil.Date) *civil.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// normTeams treats an empty team list as no list, so that NULL and [] are
// the same value.
func normTeams(t []string) []string {
	if len(t) == 0 {
		return nil
	}
	return t
}
