package humaanssim

import (
	"fmt"
	"slices"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// UpdatePerson applies a patch keyed by wire field names, e.g. {"preferredName": "Al",
// "probationEndDate": "2026-09-01"}. Strings and dates take null or "" to clear; teams take
// a list of names or of {"name": ...} objects; "status" forces a status (null returns to the
// one the dates give). The patch is applied entirely or not at all: it returns ErrNotFound
// for an unknown person and ErrInvalid for an unknown, read-only or mistyped field.
func (s *Simulator) UpdatePerson(personID string, patch map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.person(personID)
	if err != nil {
		return err
	}
	next := *p
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := next.set(k, patch[k]); err != nil {
			return fmt.Errorf("patching %s: %w", k, err)
		}
	}
	next.updatedAt = stampOf(s.now)
	*p = next
	s.recompute(causeMutation)
	return nil
}

// set changes one field of p from a decoded JSON value.
func (p *person) set(name string, value any) error {
	if ptr := p.stringField(name); ptr != nil {
		return setString(ptr, value)
	}
	if ptr := p.dateField(name); ptr != nil {
		return setDate(ptr, value)
	}
	switch name {
	case "isBirthdayHidden":
		b, ok := value.(bool)
		if !ok {
			return fmt.Errorf("%w: want a boolean", ErrInvalid)
		}
		p.birthdayHidden = b
	case "teams":
		teams, err := teamNames(value)
		if err != nil {
			return err
		}
		p.teams = teams
	case "status":
		return p.setStatus(value)
	default:
		return fmt.Errorf("%w: unknown or read-only field", ErrInvalid)
	}
	return nil
}

func (p *person) stringField(name string) *string {
	fields := map[string]*string{
		"companyId": &p.companyID, "firstName": &p.firstName, "middleName": &p.middleName,
		"lastName": &p.lastName, "preferredName": &p.preferredName, "email": &p.email,
		"personalEmail": &p.personalEmail, "phoneNumber": &p.phoneNumber,
		"employeeId": &p.employeeID, "contractType": &p.contractType,
		"locationId": &p.locationID, "timezone": &p.timezone,
		"remoteTimezone": &p.remoteTimezone, "remoteCity": &p.remoteCity,
		"remoteCountryCode": &p.remoteCountryCode, "gender": &p.gender,
		"address": &p.address, "city": &p.city, "postcode": &p.postcode,
		"countryCode": &p.countryCode,
	}
	return fields[name]
}

func (p *person) dateField(name string) *civil.Date {
	fields := map[string]*civil.Date{
		"birthday": &p.birthday, "employmentStartDate": &p.startDate,
		"firstWorkingDay": &p.firstWorkingDay, "employmentEndDate": &p.endDate,
		"lastWorkingDay": &p.lastWorkingDay, "probationEndDate": &p.probationEndDate,
	}
	return fields[name]
}

func setString(ptr *string, value any) error {
	switch v := value.(type) {
	case nil:
		*ptr = ""
	case string:
		*ptr = v
	default:
		return fmt.Errorf("%w: want a string or null", ErrInvalid)
	}
	return nil
}

func setDate(ptr *civil.Date, value any) error {
	switch v := value.(type) {
	case nil:
		*ptr = civil.Date{}
	case string:
		if v == "" {
			*ptr = civil.Date{}
			return nil
		}
		d, err := civil.Parse(v)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		*ptr = d
	case civil.Date:
		*ptr = v
	default:
		return fmt.Errorf("%w: want a YYYY-MM-DD string or null", ErrInvalid)
	}
	return nil
}

func teamNames(value any) ([]string, error) {
	switch v := value.(type) {
	case nil:
		return nil, nil
	case []string:
		return slices.Clone(v), nil
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			switch t := item.(type) {
			case string:
				out = append(out, t)
			case map[string]any:
				name, ok := t["name"].(string)
				if !ok {
					return nil, fmt.Errorf("%w: a team object needs a name", ErrInvalid)
				}
				out = append(out, name)
			default:
				return nil, fmt.Errorf("%w: teams are names or {name} objects", ErrInvalid)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: teams are a list", ErrInvalid)
}

func (p *person) setStatus(value any) error {
	switch v := value.(type) {
	case nil:
		p.forcedStatus = ""
		return nil
	case string:
		switch humaans.Status(v) {
		case humaans.StatusActive, humaans.StatusNewHire, humaans.StatusOffboarded:
			p.forcedStatus = humaans.Status(v)
			return nil
		case "":
			p.forcedStatus = ""
			return nil
		}
	}
	return fmt.Errorf("%w: status is active, newHire, offboarded or null", ErrInvalid)
}
