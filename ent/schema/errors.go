package schema

import "errors"

var (
	// errEmailNotNormalized rejects an email that is not trimmed and lower-case.
	errEmailNotNormalized = errors.New("schema: email must be trimmed and lower-case")
	// errEmailEmpty rejects an empty email.
	errEmailEmpty = errors.New("schema: email must not be empty")
)
