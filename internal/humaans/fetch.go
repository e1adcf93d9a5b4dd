package humaans

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sync"

	"golang.org/x/sync/errgroup"
)

// allStatuses are the statuses People lists when given none. Each is asked
// for explicitly because what Humaans returns for a missing status (every
// status, or only active people) is not documented.
var allStatuses = []Status{StatusActive, StatusNewHire, StatusOffboarded}

var errNoID = errors.New("response has no id")

// Me returns the person who owns the API key. A refused key is
// ErrInvalidCredentials.
func (c *Client) Me(ctx context.Context) (*Person, error) {
	var p Person
	err := c.getObject(ctx, "/me", &p, func() error {
		if p.ID == "" {
			return errNoID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// TokenInfo returns the key's scopes and owner. Tenants that do not serve
// /token-info answer 404, which comes back as ErrNotFound.
func (c *Client) TokenInfo(ctx context.Context) (*TokenInfo, error) {
	var info TokenInfo
	if err := c.getObject(ctx, "/token-info", &info, func() error { return nil }); err != nil {
		return nil, err
	}
	return &info, nil
}

// Verify is the check made when an operator connects a key: /me, then
// /token-info where the tenant serves it. A refused key is
// ErrInvalidCredentials with InvalidCredentialsMessage as the APIError's
// Message. When /token-info is absent (or refused for scope) the result has
// the owner from /me and nil Scopes, meaning "unknown".
func (c *Client) Verify(ctx context.Context) (*TokenInfo, error) {
	me, err := c.Me(ctx)
	if err != nil {
		return nil, explainCredentials(err)
	}
	info, err := c.TokenInfo(ctx)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrMissingScope):
		return &TokenInfo{PersonID: me.ID}, nil
	case err != nil:
		return nil, explainCredentials(err)
	}
	if info.PersonID == "" {
		info.PersonID = me.ID
	}
	return info, nil
}

// explainCredentials puts the operator-facing wording on a refused key.
func explainCredentials(err error) error {
	var apiErr *APIError
	if !errors.Is(err, ErrInvalidCredentials) || !errors.As(err, &apiErr) {
		return err
	}
	e := *apiErr
	e.Message = InvalidCredentialsMessage
	return &e
}

// People returns every person with one of the statuses, reading each status
// as its own listing (all three when none are given) and merging them
// de-duplicated by id. People a key's scopes hide are simply absent.
func (c *Client) People(ctx context.Context, statuses ...Status) ([]Person, error) {
	return whole(c.people(ctx, statuses, newInterner()))
}

// JobRoles returns every job role row, history and scheduled changes
// included.
func (c *Client) JobRoles(ctx context.Context) ([]JobRole, error) {
	return whole(listAll(ctx, c, newListing("/job-roles", nil).sharing(newInterner()), jobRoleID))
}

// Locations returns every location.
func (c *Client) Locations(ctx context.Context) ([]Location, error) {
	return whole(listAll(ctx, c, newListing("/locations", nil).sharing(newInterner()), locationID))
}

// Companies returns every company (legal entity) of the account.
func (c *Client) Companies(ctx context.Context) ([]Company, error) {
	return whole(listAll(ctx, c, newListing("/companies", nil), companyID))
}

// CustomFields returns the custom field catalogue.
func (c *Client) CustomFields(ctx context.Context) ([]CustomField, error) {
	return whole(listAll(ctx, c, newListing("/custom-fields", nil), customFieldID))
}

// CustomValues returns every custom value of every person.
func (c *Client) CustomValues(ctx context.Context) ([]CustomValue, error) {
	l := newListing("/custom-values", nil).sharing(newInterner())
	return whole(listAll(ctx, c, l, customValueID))
}

// SnapshotOption narrows what Snapshot reads.
type SnapshotOption func(*snapshotConfig)

type snapshotConfig struct {
	withoutCustomValues bool
}

// WithoutCustomValues leaves /custom-values unread: a sync that keeps no
// custom field has no use for them, and they are usually the longest
// listing, several values per person. The snapshot's CustomValues is nil.
func WithoutCustomValues() SnapshotOption {
	return func(c *snapshotConfig) { c.withoutCustomValues = true }
}

// Snapshot reads everything a directory sync needs at once, within the
// client's concurrency bound; the first failure cancels the other reads and
// is returned. A listing that ends before its total (an empty page early)
// does not fail the snapshot: its rows are kept and Complete is false. Token
// is nil when the tenant does not serve /token-info.
func (c *Client) Snapshot(ctx context.Context, opts ...SnapshotOption) (*Snapshot, error) {
	var cfg snapshotConfig
	for _, o := range opts {
		o(&cfg)
	}
	var (
		s          Snapshot
		mu         sync.Mutex
		incomplete bool
		// One interner for every listing: roles and custom values share
		// the person ids the people listing holds.
		names = newInterner()
	)
	list := func(route string) listing { return newListing(route, nil).sharing(names) }
	keep := func(err error) error {
		if !errors.Is(err, errIncomplete) {
			return err
		}
		c.cfg.logger.Warn("humaans listing ended before its total", "error", err.Error())
		mu.Lock()
		defer mu.Unlock()
		incomplete = true
		return nil
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		s.People, err = c.people(gctx, nil, names)
		return keep(err)
	})
	g.Go(func() (err error) {
		s.JobRoles, err = listAll(gctx, c, list("/job-roles"), jobRoleID)
		return keep(err)
	})
	g.Go(func() (err error) {
		s.Locations, err = listAll(gctx, c, list("/locations"), locationID)
		return keep(err)
	})
	g.Go(func() (err error) {
		s.Companies, err = listAll(gctx, c, list("/companies"), companyID)
		return keep(err)
	})
	g.Go(func() (err error) {
		s.CustomFields, err = listAll(gctx, c, list("/custom-fields"), customFieldID)
		return keep(err)
	})
	if !cfg.withoutCustomValues {
		g.Go(func() (err error) {
			s.CustomValues, err = listAll(gctx, c, list("/custom-values"), customValueID)
			return keep(err)
		})
	}
	g.Go(func() error {
		info, err := c.TokenInfo(gctx)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrMissingScope) {
			return nil
		}
		s.Token = info
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.Complete = !incomplete
	return &s, nil
}

// people reads the status listings concurrently and merges them. Like
// listAll, a short listing yields its rows together with an error wrapping
// errIncomplete.
func (c *Client) people(
	ctx context.Context, statuses []Status, names *interner,
) ([]Person, error) {
	if len(statuses) == 0 {
		statuses = allStatuses
	}
	lists := make([][]Person, len(statuses))
	errs := make([]error, len(statuses))
	g, gctx := errgroup.WithContext(ctx)
	for i, st := range statuses {
		g.Go(func() error {
			l := newListing("/people", url.Values{"status": {string(st)}}).sharing(names)
			lists[i], errs[i] = listAll(gctx, c, l, personID)
			if errors.Is(errs[i], errIncomplete) {
				return nil
			}
			return errs[i]
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return mergePeople(lists), errors.Join(errs...)
}

// mergePeople concatenates the status listings into one slice of their
// combined length, dropping ids already taken from an earlier listing, and
// releases each listing as soon as it is copied.
func mergePeople(lists [][]Person) []Person {
	n := 0
	for _, list := range lists {
		n += len(list)
	}
	seen := make(map[string]struct{}, n)
	merged := make([]Person, 0, n)
	for i, list := range lists {
		for j := range list {
			if _, dup := seen[list[j].ID]; dup {
				continue
			}
			seen[list[j].ID] = struct{}{}
			merged = append(merged, list[j])
		}
		lists[i] = nil
	}
	return merged
}

// getObject GETs a single JSON object into out; valid checks it after
// decoding.
func (c *Client) getObject(ctx context.Context, route string, out any, valid func() error) error {
	req := request{op: "GET " + route, route: route}
	return c.get(ctx, req, func(b []byte) error {
		if err := json.Unmarshal(b, out); err != nil {
			return err
		}
		return valid()
	})
}

// whole drops a listing that ended before its total: only Snapshot accepts
// partial lists, and it says so in Complete.
func whole[T any](rows []T, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func personID(p *Person) string           { return p.ID }
func jobRoleID(r *JobRole) string         { return r.ID }
func locationID(l *Location) string       { return l.ID }
func companyID(co *Company) string        { return co.ID }
func customFieldID(f *CustomField) string { return f.ID }
func customValueID(v *CustomValue) string { return v.ID }
