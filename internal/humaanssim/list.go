package humaanssim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// fielder is a record the list engine can filter and sort.
type fielder interface {
	field(name string, v view, buf []string) ([]string, bool)
}

// resource describes one listable collection of the API.
type resource[T fielder] struct {
	// proto is an empty record, used to tell known fields from unknown ones.
	proto T
	// visible returns the records the view may see, in default (creation) order. The slice
	// must not be modified.
	visible func(s *Simulator, v view, q *listQuery) []T
	encode  func(s *Simulator, b []byte, t T, v view) []byte
	id      func(T) string
	// get, when set, finds one visible record faster than a scan of visible.
	get func(s *Simulator, v view, id string) (T, bool)
	// adjust, when set, adds the resource's implicit conditions to a list query.
	adjust func(s *Simulator, q *listQuery)
}

// list answers a list request with the {total, limit, skip, data} envelope.
func list[T fielder](s *Simulator, res resource[T], v view, q *listQuery) ([]byte, error) {
	if err := s.checkParams(res.proto, v, q); err != nil {
		return nil, err
	}
	items := res.visible(s, v, q)
	total, page := window(items, v, q)
	b := make([]byte, 0, 64+len(page)*900)
	b = append(b, `{"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(q.limit), 10)
	b = append(b, `,"skip":`...)
	b = strconv.AppendInt(b, int64(q.skip), 10)
	b = append(b, `,"data":[`...)
	for i, t := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = res.encode(s, b, t, v)
	}
	return append(b, "]}"...), nil
}

// checkParams refuses unknown parameters when Options.RejectUnknownParams is set.
func (s *Simulator) checkParams(proto fielder, v view, q *listQuery) error {
	if !s.opts.RejectUnknownParams {
		return nil
	}
	if len(q.unknown) > 0 {
		return &badRequest{fmt.Sprintf("unknown parameter %s", strings.Join(q.unknown, ", "))}
	}
	for _, c := range q.conds {
		if _, ok := proto.field(c.field, fullView, nil); !ok {
			return &badRequest{fmt.Sprintf("unknown field %s", c.field)}
		}
	}
	for _, k := range q.sort {
		if _, ok := proto.field(k.field, fullView, nil); !ok {
			return &badRequest{fmt.Sprintf("unknown sort field %s", k.field)}
		}
	}
	return nil
}

// window filters, sorts and pages items, returning the number of matches and the page. Only
// a sorted query collects every match; otherwise the page is cut out while counting.
func window[T fielder](items []T, v view, q *listQuery) (int, []T) {
	if len(q.conds) == 0 && len(q.sort) == 0 {
		lo := min(q.skip, len(items))
		return len(items), items[lo:min(lo+q.limit, len(items))]
	}
	if len(q.sort) == 0 {
		var page []T
		total := 0
		buf := make([]string, 0, 1)
		for _, t := range items {
			if !matches(t, v, q.conds, buf) {
				continue
			}
			if total >= q.skip && total < q.skip+q.limit {
				page = append(page, t)
			}
			total++
		}
		return total, page
	}
	var all []T
	buf := make([]string, 0, 1)
	for _, t := range items {
		if matches(t, v, q.conds, buf) {
			all = append(all, t)
		}
	}
	slices.SortStableFunc(all, func(a, b T) int { return compareBy(a, b, v, q.sort) })
	lo := min(q.skip, len(all))
	return len(all), all[lo:min(lo+q.limit, len(all))]
}

func matches[T fielder](t T, v view, conds []cond, buf []string) bool {
	for _, c := range conds {
		vals, ok := t.field(c.field, v, buf)
		if !ok {
			// Feathers adapters ignore what they cannot filter on unless told to refuse it.
			continue
		}
		if !c.match(vals) {
			return false
		}
	}
	return true
}

// compareBy orders by the first value of each sort field, nulls first as in MongoDB.
func compareBy[T fielder](a, b T, v view, keys []sortKey) int {
	for _, k := range keys {
		av, _ := a.field(k.field, v, nil)
		bv, _ := b.field(k.field, v, nil)
		c := compareFirst(av, bv)
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func compareFirst(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	case len(b) == 0:
		return 1
	}
	return strings.Compare(a[0], b[0])
}
