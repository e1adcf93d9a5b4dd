package humaanssim

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// Paging limits of the Humaans API.
const (
	defaultLimit = 100
	maxLimit     = 250
)

// Filter operators, as Feathers spells them. opEq is a bare field=value.
const (
	opEq  = ""
	opIn  = "$in"
	opNin = "$nin"
	opGt  = "$gt"
	opGte = "$gte"
	opLt  = "$lt"
	opLte = "$lte"
	opNe  = "$ne"
)

// cond is one filter: field op values. Equality with several values behaves as $in.
type cond struct {
	field, op string
	values    []string
}

// sortKey is one $sort[field]=1|-1 entry.
type sortKey struct {
	field string
	desc  bool
}

// listQuery is a parsed list request.
type listQuery struct {
	limit, skip int
	conds       []cond
	sort        []sortKey
	asOf        civil.Date
	// unknown names the $-parameters the simulator does not understand.
	unknown []string
}

// badRequest is a query the API refuses with 400.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

// parseListQuery reads $limit, $skip, $sort, $asOf and the filters from a raw query string,
// keeping the order in which parameters appear (url.Values would lose the $sort order).
func parseListQuery(raw string, rejectOverLimit bool) (*listQuery, error) {
	q := &listQuery{limit: defaultLimit}
	index := map[string]int{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, &badRequest{fmt.Sprintf("malformed query parameter %q", part)}
		}
		if err := q.add(key, val, index, rejectOverLimit); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func (q *listQuery) add(key, val string, index map[string]int, rejectOverLimit bool) error {
	name, path := splitKey(key)
	switch name {
	case "$limit":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return &badRequest{fmt.Sprintf("$limit must be a non-negative integer, got %q", val)}
		}
		if n > maxLimit && rejectOverLimit {
			return &badRequest{fmt.Sprintf("$limit must be at most %d", maxLimit)}
		}
		q.limit = min(n, maxLimit)
	case "$skip":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return &badRequest{fmt.Sprintf("$skip must be a non-negative integer, got %q", val)}
		}
		q.skip = n
	case "$asOf":
		d, err := civil.Parse(val)
		if err != nil {
			return &badRequest{fmt.Sprintf("$asOf must be YYYY-MM-DD, got %q", val)}
		}
		q.asOf = d
	case "$sort":
		if len(path) != 1 || (val != "1" && val != "-1") {
			return &badRequest{fmt.Sprintf("bad sort parameter %s=%s", key, val)}
		}
		q.sort = append(q.sort, sortKey{field: path[0], desc: val == "-1"})
	default:
		if strings.HasPrefix(name, "$") || name == "" {
			q.unknown = append(q.unknown, key)
			return nil
		}
		return q.addCond(name, path, normalise(name, val), index)
	}
	return nil
}

// addCond records field[op][...]=val. Set operators and repeated equalities gather their
// values into one condition; range operators each make their own.
func (q *listQuery) addCond(field string, path []string, val string, index map[string]int) error {
	op := opEq
	if len(path) > 0 && strings.HasPrefix(path[0], "$") {
		op, path = path[0], path[1:]
	}
	switch op {
	case opEq, opIn, opNin, opGt, opGte, opLt, opLte, opNe:
	default:
		return &badRequest{fmt.Sprintf("unsupported operator %s on %s", op, field)}
	}
	if len(path) > 1 || (len(path) == 1 && path[0] != "" && !isIndex(path[0])) {
		return &badRequest{fmt.Sprintf("malformed filter on %s", field)}
	}
	if op == opIn || op == opNin || op == opEq {
		if i, ok := index[field+op]; ok {
			q.conds[i].values = append(q.conds[i].values, val)
			return nil
		}
		index[field+op] = len(q.conds)
	}
	q.conds = append(q.conds, cond{field: field, op: op, values: []string{val}})
	return nil
}

// splitKey splits "a[b][c]" into "a" and ["b","c"].
func splitKey(key string) (string, []string) {
	name, rest, found := strings.Cut(key, "[")
	if !found {
		return key, nil
	}
	var path []string
	for _, seg := range strings.Split("["+rest, "[") {
		if seg == "" {
			continue
		}
		path = append(path, strings.TrimSuffix(seg, "]"))
	}
	return name, path
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// normalise rewrites timestamp filter values into the wire layout, so that comparing
// "2026-06-01T09:00:00Z" with stored "2026-06-01T09:00:00.000Z" is correct.
func normalise(field, val string) string {
	if field != "createdAt" && field != "updatedAt" {
		return val
	}
	t, err := time.Parse(time.RFC3339Nano, val)
	if err != nil {
		return val
	}
	return t.UTC().Format(stampLayout)
}

// match reports whether a record's field values satisfy c. A null field has no values and
// equals the query value "null".
func (c cond) match(vals []string) bool {
	switch c.op {
	case opEq, opIn:
		return anyEqual(vals, c.values)
	case opNin, opNe:
		return !anyEqual(vals, c.values)
	}
	want := c.values[0]
	for _, v := range vals {
		cmp := strings.Compare(v, want)
		switch {
		case c.op == opGt && cmp > 0, c.op == opGte && cmp >= 0,
			c.op == opLt && cmp < 0, c.op == opLte && cmp <= 0:
			return true
		}
	}
	return false
}

func anyEqual(vals, wanted []string) bool {
	for _, w := range wanted {
		if w == "null" && len(vals) == 0 {
			return true
		}
		for _, v := range vals {
			if v == w {
				return true
			}
		}
	}
	return false
}

// hasCond reports whether the query filters on field with any operator.
func (q *listQuery) hasCond(field string) bool {
	for _, c := range q.conds {
		if c.field == field {
			return true
		}
	}
	return false
}
