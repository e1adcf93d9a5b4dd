package ent

import "strings"

// This file holds the hand-written methods the GraphQL layer binds to. They
// take no context, so gqlgen resolves the fields inline instead of starting
// a goroutine per field.

// IsEntity marks Person as an Apollo Federation entity for gqlgen.
func (*Person) IsEntity() {}

// DisplayName is the name the person goes by: the preferred name, else the
// first name, followed by the last name.
func (p *Person) DisplayName() string {
	first := p.FirstName
	if p.PreferredName != nil && strings.TrimSpace(*p.PreferredName) != "" {
		first = strings.TrimSpace(*p.PreferredName)
	}
	return strings.TrimSpace(first + " " + p.LastName)
}

// Departed reports whether the person has left the directory.
func (p *Person) Departed() bool { return p.DepartedAt != nil }

// ItemsOrValue returns the separate values of a list field, or the single
// value of a scalar one as a one-element list (none when it is empty).
func (v *CustomFieldValue) ItemsOrValue() []string {
	if len(v.Items) > 0 {
		return v.Items
	}
	if v.Value == "" {
		return []string{}
	}
	return []string{v.Value}
}

// LoadedDefinition returns the value's field definition as the GraphQL
// layer's loader attached it when it read the value.
func (v *CustomFieldValue) LoadedDefinition() *CustomFieldDefinition {
	return v.Edges.Definition
}
