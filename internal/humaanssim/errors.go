package humaanssim

import "errors"

// ErrNotFound is returned when a person, custom field or manager named in a mutation does not
// exist. The control API answers it with 404.
var ErrNotFound = errors.New("humaanssim: not found")

// ErrInvalid is returned when a mutation's input is malformed: a missing name, an unknown
// patch field, a value of the wrong type. The control API answers it with 400.
var ErrInvalid = errors.New("humaanssim: invalid input")
