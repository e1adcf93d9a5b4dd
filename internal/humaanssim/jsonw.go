package humaanssim

import (
	"strconv"
	"unicode/utf8"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// object appends one JSON object to a buffer, field by field. Listing pages are written this
// way rather than through encoding/json so that a 250-row page of a large company stays
// cheap, and so that null-versus-absent is explicit at each field.
type object struct {
	b     []byte
	first bool
	// sparse leaves out null values instead of writing them.
	sparse bool
}

func beginObject(b []byte) object { return object{b: append(b, '{'), first: true} }

// end closes the object and returns the buffer.
func (o *object) end() []byte { return append(o.b, '}') }

func (o *object) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = appendString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
}

// optStr writes null for the empty string.
func (o *object) optStr(k, v string) {
	if v == "" {
		o.null(k)
		return
	}
	o.str(k, v)
}

func (o *object) null(k string) {
	if o.sparse {
		return
	}
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *object) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// date writes d as "YYYY-MM-DD", or null for the zero date, without going through fmt.
func (o *object) date(k string, d civil.Date) {
	if d.IsZero() {
		o.null(k)
		return
	}
	o.key(k)
	o.b = append(o.b, '"')
	o.b = appendPadded(o.b, d.Year, 4)
	o.b = append(o.b, '-')
	o.b = appendPadded(o.b, int(d.Month), 2)
	o.b = append(o.b, '-')
	o.b = appendPadded(o.b, d.Day, 2)
	o.b = append(o.b, '"')
}

func appendPadded(b []byte, n, width int) []byte {
	for w, m := 1, n; w < width; w++ {
		if m /= 10; m == 0 {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, int64(n), 10)
}

func (o *object) stamp(k string, s stamp) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = s.Time().AppendFormat(o.b, stampLayout)
	o.b = append(o.b, '"')
}

func (o *object) strs(k string, vs []string) {
	o.key(k)
	o.b = appendStrings(o.b, vs)
}

func (o *object) raw(k string, v []byte) {
	o.key(k)
	o.b = append(o.b, v...)
}

func (o *object) value(k string, v humaans.Value) {
	o.key(k)
	switch {
	case v.List:
		o.b = appendStrings(o.b, v.Items)
	case len(v.Items) == 0:
		o.b = append(o.b, "null"...)
	default:
		o.b = appendString(o.b, v.Items[0])
	}
}

func appendStrings(b []byte, vs []string) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Control characters are escaped, invalid UTF-8 is
// replaced, and everything else passes through as UTF-8.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
		}
	}
	return append(b, '"')
}
