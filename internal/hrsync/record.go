package hrsync

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"

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
	// Custom holds the values of selected custom fields, sorted by
	// definition id (a slice: a map per person costs several times more).
	Custom customValues
}

// customValue is one stored custom field value.
type customValue struct {
	DefID string
	Value string
	Items []string
	List  bool
}

func (v customValue) equal(w customValue) bool {
	return v.DefID == w.DefID && v.Value == w.Value && v.List == w.List &&
		slices.Equal(v.Items, w.Items)
}

// customValues is a person's custom values sorted by definition id.
type customValues []customValue

// get returns the value of a definition.
func (vs customValues) get(defID string) (customValue, bool) {
	i, found := slices.BinarySearchFunc(vs, defID, func(v customValue, id string) int {
		return strings.Compare(v.DefID, id)
	})
	if !found {
		return customValue{}, false
	}
	return vs[i], true
}

// sortCustom orders values by definition id.
func sortCustom(vs customValues) {
	slices.SortStableFunc(vs, func(a, b customValue) int { return strings.Compare(a.DefID, b.DefID) })
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
		Teams:          nilIfEmpty(p.Teams),
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

// hasher computes record digests, reusing one buffer across records.
type hasher struct {
	buf []byte
}

// sum digests everything a sync writes about a person, so that an
// unchanged person is recognised without comparing field by field. Every
// value is length-prefixed, so that no two records share an encoding.
func (h *hasher) sum(r *record) string {
	buf := h.buf[:0]
	str := func(s string) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
		buf = append(buf, s...)
	}
	date := func(d civil.Date) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(d.Year))
		buf = append(buf, byte(d.Month), byte(d.Day))
	}
	for _, s := range []string{
		r.ID, r.EmployeeID, r.FirstName, r.LastName, r.PreferredName, r.WorkEmail,
		r.JobTitle, r.Department, r.EmploymentType, string(r.Status),
		r.Timezone, r.ManagerID, r.LocationID, r.LegalEntityID,
	} {
		str(s)
	}
	for _, d := range []civil.Date{r.StartDate, r.EndDate, r.ProbationEnd, r.DateOfBirth} {
		date(d)
	}
	buf = append(buf, flag(r.BirthdayHidden), flag(r.Departed))
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(r.Teams)))
	for _, t := range r.Teams {
		str(t)
	}
	for _, v := range r.Custom {
		str(v.DefID)
		str(v.Value)
		buf = append(buf, flag(v.List))
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(v.Items)))
		for _, it := range v.Items {
			str(it)
		}
	}
	h.buf = buf
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
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

// nilIfEmpty treats an empty list, of teams or of a custom value's items,
// as no list, so that NULL and [] are the same value.
func nilIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}
