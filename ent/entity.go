package ent

// IsEntity marks Person as an Apollo Federation entity for gqlgen.
func (*Person) IsEntity() {}
