package humaans

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Status is a person's employment status as Humaans reports it.
type Status string

// The statuses Humaans uses on people.
const (
	StatusActive     Status = "active"
	StatusNewHire    Status = "newHire"
	StatusOffboarded Status = "offboarded"
)

// Team is a team membership. Humaans identifies teams by name only.
type Team struct {
	Name string `json:"name"`
}

// Person is a Humaans person record, reduced to the fields peoplegraph uses.
// Unknown fields are ignored when decoding; fields a token's scopes hide
// simply stay zero.
type Person struct {
	ID            string `json:"id"`
	CompanyID     string `json:"companyId"`
	FirstName     string `json:"firstName"`
	MiddleName    string `json:"middleName"`
	LastName      string `json:"lastName"`
	PreferredName string `json:"preferredName"`
	// Email is the work email; it may be empty.
	Email         string `json:"email"`
	PersonalEmail string `json:"personalEmail"`
	PhoneNumber   string `json:"phoneNumber"`
	EmployeeID    string `json:"employeeId"`
	Status        Status `json:"status"`
	ContractType  string `json:"contractType"`
	LocationID    string `json:"locationId"`
	Timezone      string `json:"timezone"`
	// RemoteTimezone is the zone of a remote worker, when set.
	RemoteTimezone      string     `json:"remoteTimezone"`
	RemoteCity          string     `json:"remoteCity"`
	RemoteCountryCode   string     `json:"remoteCountryCode"`
	Teams               []Team     `json:"teams"`
	Birthday            civil.Date `json:"birthday"`
	IsBirthdayHidden    bool       `json:"isBirthdayHidden"`
	Gender              string     `json:"gender"`
	EmploymentStartDate civil.Date `json:"employmentStartDate"`
	FirstWorkingDay     civil.Date `json:"firstWorkingDay"`
	EmploymentEndDate   civil.Date `json:"employmentEndDate"`
	LastWorkingDay      civil.Date `json:"lastWorkingDay"`
	ProbationEndDate    civil.Date `json:"probationEndDate"`
	// DirectReports holds the ids of the people whose current role reports
	// to this person.
	DirectReports []string  `json:"directReports"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// JobRole is one row of a person's role history. The current role is the one
// with the latest EffectiveDate not in the future whose EndDate, if set, has
// not passed.
type JobRole struct {
	ID         string `json:"id"`
	PersonID   string `json:"personId"`
	JobTitle   string `json:"jobTitle"`
	Department string `json:"department"`
	// ReportingTo is the manager's person id, or empty.
	ReportingTo   string     `json:"reportingTo"`
	EffectiveDate civil.Date `json:"effectiveDate"`
	EndDate       civil.Date `json:"endDate"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

// Location is a place of work.
type Location struct {
	ID        string    `json:"id"`
	CompanyID string    `json:"companyId"`
	Label     string    `json:"label"`
	City      string    `json:"city"`
	Country   string    `json:"country"`
	Timezone  string    `json:"timezone"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Company is a Humaans company; peoplegraph treats each as a legal entity.
type Company struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Domains   []string  `json:"domains"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CustomField is the definition of a custom field in the company's catalogue.
type CustomField struct {
	ID        string          `json:"id"`
	CompanyID string          `json:"companyId"`
	Name      string          `json:"name"`
	Section   string          `json:"section"`
	Type      string          `json:"type"`
	Config    json.RawMessage `json:"config"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

// CustomValue is one person's value for one custom field.
type CustomValue struct {
	ID            string    `json:"id"`
	PersonID      string    `json:"personId"`
	CustomFieldID string    `json:"customFieldId"`
	Value         Value     `json:"value"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Value is a custom value, which Humaans sends as a string or, for fields
// with several choices, a list of strings. Numbers and booleans are accepted
// too and kept in their JSON text form.
type Value struct {
	// Items holds the value's strings: one for a scalar, any number for a list.
	Items []string
	// List reports whether the wire value was a list.
	List bool
}

// String joins a list value with ", " and returns a scalar as is.
func (v Value) String() string {
	if len(v.Items) == 1 && !v.List {
		return v.Items[0]
	}
	var b bytes.Buffer
	for i, s := range v.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// UnmarshalJSON decodes a string, a list of strings, null, or a number or
// boolean (kept as its JSON text).
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = Value{}
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = Value{Items: []string{s}}
	case len(b) > 0 && b[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		items := make([]string, 0, len(raw))
		for _, r := range raw {
			var item Value
			if err := item.UnmarshalJSON(r); err != nil {
				return err
			}
			items = append(items, item.Items...)
		}
		*v = Value{Items: items, List: true}
	case len(b) > 0 && (b[0] == '{'):
		return fmt.Errorf("humaans: custom value is an object, want a string or a list")
	default:
		*v = Value{Items: []string{string(b)}}
	}
	return nil
}

// MarshalJSON encodes a list as a JSON array and a scalar as a string.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.List:
		if v.Items == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.Items)
	case len(v.Items) == 0:
		return []byte("null"), nil
	default:
		return json.Marshal(v.Items[0])
	}
}

// TokenInfo describes the API key in use: its scopes and its owner.
type TokenInfo struct {
	Scopes   []string `json:"scopes"`
	PersonID string   `json:"personId"`
}

// UnmarshalJSON accepts the scopes as a list of strings or as one string of
// space- or comma-separated scopes, since the shape of /token-info is not
// documented.
func (t *TokenInfo) UnmarshalJSON(b []byte) error {
	var raw struct {
		Scopes   json.RawMessage `json:"scopes"`
		PersonID string          `json:"personId"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var scopes Value
	if len(raw.Scopes) > 0 {
		if err := scopes.UnmarshalJSON(raw.Scopes); err != nil {
			return fmt.Errorf("humaans: token scopes: %w", err)
		}
	}
	*t = TokenInfo{PersonID: raw.PersonID}
	for _, item := range scopes.Items {
		t.Scopes = append(t.Scopes, strings.FieldsFunc(item, func(r rune) bool {
			return r == ' ' || r == ','
		})...)
	}
	return nil
}

// HasScope reports whether the token carries scope.
func (t TokenInfo) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// Snapshot is everything a directory sync reads from Humaans, fetched in one
// pass. Complete reports whether every list was read to its total, which is
// what allows people missing from it to be treated as gone.
type Snapshot struct {
	People       []Person
	JobRoles     []JobRole
	Locations    []Location
	Companies    []Company
	CustomFields []CustomField
	CustomValues []CustomValue
	// Token is the key's metadata, when the tenant serves /token-info.
	Token *TokenInfo
	// Complete is true when every page of every list was fetched and the
	// totals matched what was read.
	Complete bool
}
