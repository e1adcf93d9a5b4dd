package humaanssim

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// FaultKind names a kind of injected failure.
type FaultKind string

// The fault kinds the simulator can inject.
const (
	// FaultRateLimit answers 429 with Retry-After: RetryAfter seconds (1 when unset).
	FaultRateLimit FaultKind = "rate-limit"
	// FaultRateLimitNoRetry answers 429 without a Retry-After header.
	FaultRateLimitNoRetry FaultKind = "rate-limit-no-header"
	// FaultServerError answers Status (500 when unset; 502 and 503 are typical).
	FaultServerError FaultKind = "server-error"
	// FaultLatency waits Delay before answering normally, or until the request is cancelled.
	FaultLatency FaultKind = "latency"
	// FaultDropConnection closes the connection without sending a response.
	FaultDropConnection FaultKind = "drop-connection"
	// FaultTruncateBody sends a 200 header announcing the whole body, then half of it, and
	// closes the connection.
	FaultTruncateBody FaultKind = "truncate-body"
	// FaultShiftRecords applies to first pages (no $skip, or $skip=0) of people, job-roles,
	// custom-values and locations listings only. After such a page is served it inserts
	// Shift new records at the front of the default order (or deletes -Shift records from
	// the front), so that later offset pages repeat or skip rows.
	FaultShiftRecords FaultKind = "shift-records"
	// FaultRevokeToken revokes the requesting token and answers 401; later requests with
	// the token get 401 too.
	FaultRevokeToken FaultKind = "revoke-token"
)

// faultKinds is the set of valid kinds.
var faultKinds = []FaultKind{
	FaultRateLimit, FaultRateLimitNoRetry, FaultServerError, FaultLatency,
	FaultDropConnection, FaultTruncateBody, FaultShiftRecords, FaultRevokeToken,
}

// Fault is an injected failure on one route.
type Fault struct {
	// Route is the resource path under /api without the prefix ("people", "job-roles",
	// "custom-values", "me", "token-info", ...), or "*" for every route.
	Route string
	Kind  FaultKind
	// Times is how many requests the fault applies to; 0 means every request until
	// ClearFaults.
	Times int
	// After lets this many matching requests through before the fault applies.
	After int
	// Status is the answer of FaultServerError.
	Status int
	// RetryAfter is the Retry-After of FaultRateLimit, in seconds.
	RetryAfter int
	// Delay is the wait of FaultLatency.
	Delay time.Duration
	// Shift is the number of records FaultShiftRecords inserts (or, negative, deletes).
	Shift int
}

// faultState is an injected fault with its counters.
type faultState struct {
	Fault
	seen, fired int
}

// InjectFault adds f. Faults are tried in the order they were injected; the first that
// applies to a request is used.
func (s *Simulator) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes every injected fault.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault that applies to a request on route, counting it. It must be
// called with s.mu held.
func (s *Simulator) takeFault(route string, firstPage bool) *Fault {
	for _, fs := range s.faults {
		if fs.Route != route && fs.Route != "*" {
			continue
		}
		if fs.Times > 0 && fs.fired >= fs.Times {
			continue
		}
		if fs.Kind == FaultShiftRecords && !firstPage {
			continue
		}
		fs.seen++
		if fs.seen <= fs.After {
			continue
		}
		fs.fired++
		f := fs.Fault
		return &f
	}
	return nil
}

// applyFault acts out the faults that replace the answer, and reports whether it has
// dealt with the request completely.
func (s *Simulator) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	switch f.Kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(max(f.RetryAfter, 1)))
		writeError(w, http.StatusTooManyRequests, "Too many requests, please slow down")
	case FaultRateLimitNoRetry:
		writeError(w, http.StatusTooManyRequests, "Too many requests, please slow down")
	case FaultServerError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeError(w, status, "Something went wrong")
	case FaultLatency:
		return !wait(r, f.Delay)
	case FaultDropConnection:
		drop(w)
	case FaultRevokeToken:
		s.RevokeToken(bearer(r))
		writeError(w, http.StatusUnauthorized, "Invalid authentication information")
	default:
		return false
	}
	return true
}

// wait sleeps for d and reports whether the request is still wanted.
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// drop closes the connection without a response.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Without hijacking (HTTP/2), aborting the handler resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// truncate sends a 200 whose Content-Length announces body, then half of body, and closes.
func truncate(w http.ResponseWriter, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	writeTruncated(buf.Writer, body)
}

func writeTruncated(bw *bufio.Writer, body []byte) {
	fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	_, _ = bw.Write(body[:len(body)/2])
	_ = bw.Flush()
}

// shift inserts n records at the front of a route's default order, or deletes -n from it.
func (s *Simulator) shift(route string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch route {
	case "people", "job-roles", "custom-values":
		if n > 0 {
			s.insertPeopleAtFront(n)
		} else {
			s.deletePeopleAtFront(-n)
		}
	case "locations":
		s.shiftLocations(n)
	}
}

func (s *Simulator) insertPeopleAtFront(n int) {
	for range n {
		k := s.nextEmployee
		p, r, err := s.hireLocked(NewPerson{
			FirstName: "Inserted", LastName: fmt.Sprintf("Person %d", k),
			Email: fmt.Sprintf("inserted.person%d@lumenlabs.example", k), JobTitle: "Analyst",
			Department: "Operations", ManagerID: s.owner,
		})
		if err != nil {
			return
		}
		s.people = moveToFront(s.people, p)
		s.roles = moveToFront(s.roles, r)
		if len(s.fields) > 0 {
			cv := s.setValueLocked(p, s.fields[0], scalar("inserted"))
			s.values = moveToFront(s.values, cv)
		}
	}
	s.recompute(causeMutation)
}

func moveToFront[T comparable](xs []T, x T) []T {
	i := slices.Index(xs, x)
	if i < 0 {
		return xs
	}
	out := make([]T, 0, len(xs))
	out = append(out, x)
	out = append(out, xs[:i]...)
	return append(out, xs[i+1:]...)
}

// deletePeopleAtFront hard-deletes the n earliest people who manage nobody and do not own
// the default token.
func (s *Simulator) deletePeopleAtFront(n int) {
	var victims []string
	for _, p := range s.people {
		if len(victims) == n {
			break
		}
		if len(p.directReports) == 0 && p.id != s.owner {
			victims = append(victims, p.id)
		}
	}
	for _, id := range victims {
		s.deleteLocked(id)
	}
	s.recompute(causeMutation)
}

// shiftLocations inserts n new locations at the front, or deletes -n unused ones from it.
func (s *Simulator) shiftLocations(n int) {
	now := stampOf(s.now)
	if n > 0 {
		companyID := ""
		if len(s.companies) > 0 {
			companyID = s.companies[0].id
		}
		added := make([]*location, 0, n)
		for k := range n {
			added = append(added, &location{
				id: s.ids.next(), companyID: companyID, label: fmt.Sprintf("Pop-up %d", k+1),
				city: "Dublin", country: "Ireland", countryCode: "IE", timezone: "Europe/Dublin",
				createdAt: now, updatedAt: now,
			})
		}
		s.locations = append(added, s.locations...)
	} else {
		used := map[string]bool{}
		for _, p := range s.people {
			used[p.locationID] = true
		}
		s.locations = slices.DeleteFunc(slices.Clone(s.locations), func(l *location) bool {
			if n < 0 && !used[l.id] {
				n++
				return true
			}
			return false
		})
	}
	s.cache = map[string]any{}
}
