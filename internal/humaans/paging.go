package humaans

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"
)

// pageSize is the largest $limit Humaans accepts.
const pageSize = 250

// maxPrealloc bounds the rows reserved up front from a server's total, so a
// wrong total cannot make the client allocate without limit.
const maxPrealloc = 1 << 16

// maxParallelPages bounds how many pages are planned from a server's total;
// larger listings are read page after page.
const maxParallelPages = 4096

// maxReads bounds how often a listing that shifts under the pager is read
// from the start again.
const maxReads = 3

var (
	// errDrift means records moved between pages while a listing was read.
	errDrift = errors.New("listing changed while paging")
	// errIncomplete means a listing ended before its total.
	errIncomplete = errors.New("listing ended before its total")
	// errTiling means pages read in parallel did not line up, so the listing
	// has to be read page after page instead.
	errTiling = errors.New("pages did not line up")
)

// listing names one paged resource: route and filters. resource is the
// label used in progress reports and operation names.
type listing struct {
	route    string
	query    url.Values
	resource string
	// names shares repeated strings across the listing's records, and
	// across listings read together; nil leaves them as decoded.
	names *interner
}

func newListing(route string, query url.Values) listing {
	l := listing{route: route, query: query, resource: route[1:]}
	if len(query) > 0 {
		l.resource += "?" + query.Encode()
	}
	return l
}

// sharing returns l with its records' repeated strings shared through in.
func (l listing) sharing(in *interner) listing {
	l.names = in
	return l
}

func (l listing) op(page int) string {
	return fmt.Sprintf("GET /%s page %d", l.resource, page)
}

// envelope is the Feathers list envelope. Pointers tell a missing field from
// a zero one.
type envelope[T any] struct {
	Total *int `json:"total"`
	Limit int  `json:"limit"`
	Skip  *int `json:"skip"`
	Data  *[]T `json:"data"`
}

var errEnvelope = errors.New("response is not a {total, limit, skip, data} envelope")

// pageOf is one decoded page.
type pageOf[T any] struct {
	total int
	skip  int
	data  []T
}

// fetchPage reads one page. When dst has room (its capacity is the page's
// expected length) the rows are decoded straight into its backing array, so
// that a listing read in parallel lands in one allocation; a page longer
// than that capacity is decoded into a fresh slice instead.
func fetchPage[T any](
	ctx context.Context, c *Client, l listing, skip, n int, dst []T,
) (pageOf[T], error) {
	q := url.Values{}
	for k, v := range l.query {
		q[k] = v
	}
	q.Set("$limit", strconv.Itoa(pageSize))
	q.Set("$skip", strconv.Itoa(skip))
	var env envelope[T]
	err := c.get(ctx, request{op: l.op(n), route: l.route, query: q}, func(b []byte) error {
		// A retried attempt starts from clean rows: fields a decode left
		// behind must not leak into the next one.
		clear(dst[:cap(dst)])
		data := dst[:0]
		env = envelope[T]{Data: &data}
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		if env.Total == nil || env.Data == nil || *env.Total < 0 {
			return errEnvelope
		}
		return nil
	})
	if err != nil {
		return pageOf[T]{}, err
	}
	p := pageOf[T]{total: *env.Total, skip: skip, data: *env.Data}
	if env.Skip != nil {
		p.skip = *env.Skip
	}
	internRows(l.names, p.data)
	return p, nil
}

// collector gathers a listing's rows, refusing an id seen twice (which means
// records shifted between pages) and reporting progress.
type collector[T any] struct {
	c     *Client
	l     listing
	id    func(*T) string
	total int
	seen  map[string]struct{}
	rows  []T
}

func newCollector[T any](c *Client, l listing, id func(*T) string, total int) *collector[T] {
	return &collector[T]{
		c: c, l: l, id: id, total: total,
		seen: make(map[string]struct{}, min(total, maxPrealloc)),
		rows: make([]T, 0, min(total, maxPrealloc)),
	}
}

func (k *collector[T]) add(data []T) error {
	if err := recordIDs(k.seen, k.id, data); err != nil {
		return err
	}
	k.rows = append(k.rows, data...)
	return nil
}

func (k *collector[T]) progress(fetched int) {
	k.c.report(Progress{Resource: k.l.resource, Fetched: fetched, Total: k.total})
}

// result returns the rows, with errIncomplete when fewer than total arrived.
func (k *collector[T]) result() ([]T, error) {
	if len(k.rows) < k.total {
		return k.rows, fmt.Errorf("%w: read %d of %d", errIncomplete, len(k.rows), k.total)
	}
	return k.rows, nil
}

// listAll reads every page of l, de-duplicated by id. If records shift
// between pages it reads the listing again from the start, up to maxReads
// times, then gives up with ErrBadResponse. A listing that ends early comes
// back with its rows and an error wrapping errIncomplete.
func listAll[T any](ctx context.Context, c *Client, l listing, id func(*T) string) ([]T, error) {
	for read := 1; ; read++ {
		rows, err := readListing(ctx, c, l, id)
		if !errors.Is(err, errDrift) {
			return rows, listingError(l, err)
		}
		if read >= maxReads {
			return nil, &APIError{
				Op: "GET /" + l.resource, Route: l.route, Kind: ErrBadResponse,
				Err: fmt.Errorf("%w (read %d times)", err, read),
			}
		}
		c.cfg.logger.Warn("humaans listing changed while paging, reading it again",
			"resource", l.resource, "read", read, "reason", err.Error())
	}
}

// listingError gives a listing-level failure (drift, short listing) its
// APIError; request failures already are one.
func listingError(l listing, err error) error {
	var apiErr *APIError
	if err == nil || errors.As(err, &apiErr) {
		return err
	}
	return &APIError{Op: "GET /" + l.resource, Route: l.route, Kind: ErrBadResponse, Err: err}
}

// readListing reads l once: the first page, then the rest in parallel when
// the first page tells how the pages tile, falling back to reading page after
// page when they do not line up. With a concurrency of one it pages
// sequentially from the start.
func readListing[T any](
	ctx context.Context, c *Client, l listing, id func(*T) string,
) ([]T, error) {
	first, err := fetchPage[T](ctx, c, l, 0, 1, nil)
	if err != nil {
		return nil, err
	}
	if !c.parallelizable(first.total, first.skip, len(first.data)) {
		return readSequential(ctx, c, l, id, first)
	}
	rows, err := readParallel(ctx, c, l, id, first)
	if errors.Is(err, errTiling) {
		c.cfg.logger.Debug("humaans pages did not line up, paging sequentially",
			"resource", l.resource, "reason", err.Error())
		return readSequential(ctx, c, l, id, first)
	}
	return rows, err
}

// parallelizable reports whether the pages after a first page of n rows can
// be planned from it and fetched at once.
func (c *Client) parallelizable(total, skip, n int) bool {
	return c.cfg.concurrency > 1 && skip == 0 && n > 0 && n < total &&
		total/n < maxParallelPages
}

// readSequential follows skip + len(data) from the first page until the
// total or an empty page.
func readSequential[T any](
	ctx context.Context, c *Client, l listing, id func(*T) string, p pageOf[T],
) ([]T, error) {
	k := newCollector(c, l, id, p.total)
	for n := 1; ; n++ {
		if p.total != k.total {
			return nil, fmt.Errorf("%w: total went from %d to %d at page %d",
				errDrift, k.total, p.total, n)
		}
		if err := k.add(p.data); err != nil {
			return nil, err
		}
		k.progress(len(k.rows))
		next := p.skip + len(p.data)
		if len(p.data) == 0 || next >= k.total {
			return k.result()
		}
		var err error
		if p, err = fetchPage[T](ctx, c, l, next, n+1, nil); err != nil {
			return nil, err
		}
	}
}

// readParallel fetches pages 2.. at once (within the client's bounds), each
// at a multiple of the first page's length, and checks they tile exactly.
// The pages are decoded into one slice of the listing's total length, each
// into its own window, so that the rows are never copied.
func readParallel[T any](
	ctx context.Context, c *Client, l listing, id func(*T) string, first pageOf[T],
) ([]T, error) {
	step, total := len(first.data), first.total
	rows := make([]T, total)
	copy(rows, first.data)
	var (
		mu      sync.Mutex
		fetched = step
	)
	c.report(Progress{Resource: l.resource, Fetched: fetched, Total: total})

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.concurrency)
	for skip, n := step, 2; skip < total; skip, n = skip+step, n+1 {
		g.Go(func() error {
			end := min(skip+step, total)
			window := rows[skip:skip:end]
			p, err := fetchPage(gctx, c, l, skip, n, window)
			if err != nil {
				return err
			}
			if err := checkTile(p, skip, step, total, n); err != nil {
				return err
			}
			if len(p.data) > 0 && &p.data[0] != &rows[skip] {
				copy(rows[skip:end], p.data)
			}
			mu.Lock()
			defer mu.Unlock()
			fetched += len(p.data)
			c.report(Progress{Resource: l.resource, Fetched: fetched, Total: total})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return distinct(id, rows)
}

// distinct checks that no id appears twice among rows, which means records
// shifted between pages read in parallel.
func distinct[T any](id func(*T) string, rows []T) ([]T, error) {
	seen := make(map[string]struct{}, min(len(rows), maxPrealloc))
	if err := recordIDs(seen, id, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// recordIDs adds the ids of rows to seen, failing with errDrift on one that is
// already there. Rows without an id are not checked.
func recordIDs[T any](seen map[string]struct{}, id func(*T) string, rows []T) error {
	for i := range rows {
		key := id(&rows[i])
		if key == "" {
			continue
		}
		if _, dup := seen[key]; dup {
			return fmt.Errorf("%w: id %s appeared on two pages", errDrift, key)
		}
		seen[key] = struct{}{}
	}
	return nil
}

func checkTile[T any](p pageOf[T], skip, step, total, n int) error {
	if p.total != total {
		return fmt.Errorf("%w: total went from %d to %d at page %d", errDrift, total, p.total, n)
	}
	if want := min(step, total-skip); p.skip != skip || len(p.data) != want {
		return fmt.Errorf("%w: page %d has %d rows at skip %d, want %d at skip %d",
			errTiling, n, len(p.data), p.skip, want, skip)
	}
	return nil
}
