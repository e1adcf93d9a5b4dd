package humaanssim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/peoplegraph/peoplegraph/internal/civil"
)

// controlHandler serves the control API under /_sim/: JSON in and out, no authentication.
// Malformed input is a 400 and an unknown id a 404, both with the API's error body.
func (s *Simulator) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_sim/people", s.ctlHire)
	mux.HandleFunc("GET /_sim/people", s.ctlPeople)
	mux.HandleFunc("POST /_sim/people/{id}/role", s.ctlRole)
	mux.HandleFunc("POST /_sim/people/{id}/email", s.ctlEmail)
	mux.HandleFunc("PATCH /_sim/people/{id}", s.ctlPatch)
	mux.HandleFunc("POST /_sim/people/{id}/offboard", s.ctlOffboard)
	mux.HandleFunc("DELETE /_sim/people/{id}", s.ctlDelete)
	mux.HandleFunc("PUT /_sim/people/{id}/custom-values/{field}", s.ctlCustomValue)
	mux.HandleFunc("GET /_sim/clock", s.ctlClock)
	mux.HandleFunc("POST /_sim/clock", s.ctlSetClock)
	mux.HandleFunc("POST /_sim/faults", s.ctlFault)
	mux.HandleFunc("DELETE /_sim/faults", s.ctlClearFaults)
	mux.HandleFunc("POST /_sim/tokens", s.ctlAddToken)
	mux.HandleFunc("DELETE /_sim/tokens/{token}", s.ctlRevokeToken)
	mux.HandleFunc("GET /_sim/requests/{route}", s.ctlRequests)
	mux.HandleFunc("/_sim/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Page not found")
	})
	return mux
}

// decode reads a JSON request body into v, answering 400 itself when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("decoding request body: %v", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encoding response")
		return
	}
	writeBody(w, status, b)
}

// fail answers a mutation error: 404 for ErrNotFound, 400 otherwise.
func fail(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, ErrNotFound) {
		status = http.StatusNotFound
	}
	writeError(w, status, err.Error())
}

// personJSON returns the full-scope wire form of a person.
func (s *Simulator) personJSON(id string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.peopleByID[id]
	if p == nil {
		return json.RawMessage("null")
	}
	return s.appendPerson(nil, p, fullView)
}

type hireRequest struct {
	FirstName    string     `json:"firstName"`
	LastName     string     `json:"lastName"`
	Email        string     `json:"email"`
	JobTitle     string     `json:"jobTitle"`
	Department   string     `json:"department"`
	ManagerID    string     `json:"managerId"`
	LocationID   string     `json:"locationId"`
	CompanyID    string     `json:"companyId"`
	ContractType string     `json:"contractType"`
	Timezone     string     `json:"timezone"`
	Teams        []string   `json:"teams"`
	StartDate    civil.Date `json:"startDate"`
	Birthday     civil.Date `json:"birthday"`
}

func (s *Simulator) ctlHire(w http.ResponseWriter, r *http.Request) {
	var req hireRequest
	if !decode(w, r, &req) {
		return
	}
	id, err := s.Hire(NewPerson(req))
	if err != nil {
		fail(w, err)
		return
	}
	writeBody(w, http.StatusCreated, s.personJSON(id))
}

func (s *Simulator) ctlPeople(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.People())
}

type roleRequest struct {
	JobTitle      string     `json:"jobTitle"`
	Department    string     `json:"department"`
	ManagerID     string     `json:"managerId"`
	EffectiveDate civil.Date `json:"effectiveDate"`
}

func (s *Simulator) ctlRole(w http.ResponseWriter, r *http.Request) {
	var req roleRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	row, err := s.changeRoleLocked(r.PathValue("id"), req.JobTitle, req.Department,
		req.ManagerID, req.EffectiveDate)
	var body []byte
	if err == nil {
		body = appendJobRole(nil, row, s.companyOf(row.personID))
	}
	s.mu.Unlock()
	if err != nil {
		fail(w, err)
		return
	}
	writeBody(w, http.StatusCreated, body)
}

func (s *Simulator) ctlEmail(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email *string `json:"email"`
	}
	if !decode(w, r, &req) {
		return
	}
	email := ""
	if req.Email != nil {
		email = *req.Email
	}
	s.answerPerson(w, r.PathValue("id"), s.ChangeEmail(r.PathValue("id"), email))
}

func (s *Simulator) answerPerson(w http.ResponseWriter, id string, err error) {
	if err != nil {
		fail(w, err)
		return
	}
	writeBody(w, http.StatusOK, s.personJSON(id))
}

func (s *Simulator) ctlPatch(w http.ResponseWriter, r *http.Request) {
	var patch map[string]any
	if !decode(w, r, &patch) {
		return
	}
	s.answerPerson(w, r.PathValue("id"), s.UpdatePerson(r.PathValue("id"), patch))
}

func (s *Simulator) ctlOffboard(w http.ResponseWriter, r *http.Request) {
	var req struct {
		LastWorkingDay civil.Date `json:"lastWorkingDay"`
		LastDay        civil.Date `json:"lastDay"`
	}
	if !decode(w, r, &req) {
		return
	}
	day := req.LastWorkingDay
	if day.IsZero() {
		day = req.LastDay
	}
	s.answerPerson(w, r.PathValue("id"), s.Offboard(r.PathValue("id"), day))
}

func (s *Simulator) ctlDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Delete(id); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
}

func (s *Simulator) ctlCustomValue(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value any `json:"value"`
	}
	if !decode(w, r, &req) {
		return
	}
	id, field := r.PathValue("id"), r.PathValue("field")
	if err := s.SetCustomValue(id, field, req.Value); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"personId": id, "field": field, "value": req.Value})
}

func (s *Simulator) ctlClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"now": s.Now().Format(time.RFC3339Nano)})
}

func (s *Simulator) ctlSetClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Now     string `json:"now"`
		Advance string `json:"advance"`
	}
	if !decode(w, r, &req) {
		return
	}
	switch {
	case req.Now != "" && req.Advance == "":
		t, err := time.Parse(time.RFC3339Nano, req.Now)
		if err != nil {
			writeError(w, http.StatusBadRequest, "now must be an RFC 3339 time")
			return
		}
		s.SetNow(t)
	case req.Advance != "" && req.Now == "":
		d, err := time.ParseDuration(req.Advance)
		if err != nil {
			writeError(w, http.StatusBadRequest, "advance must be a duration such as 24h")
			return
		}
		s.Advance(d)
	default:
		writeError(w, http.StatusBadRequest, "give exactly one of now and advance")
		return
	}
	s.ctlClock(w, r)
}

// faultRequest is a Fault as the control API takes it, with the delay as a duration string.
type faultRequest struct {
	Route      string    `json:"route"`
	Kind       FaultKind `json:"kind"`
	Times      int       `json:"times"`
	After      int       `json:"after"`
	Status     int       `json:"status"`
	RetryAfter int       `json:"retryAfter"`
	Delay      string    `json:"delay"`
	Shift      int       `json:"shift"`
}

func (req faultRequest) fault() (Fault, error) {
	f := Fault{Route: req.Route, Kind: req.Kind, Times: req.Times, After: req.After,
		Status: req.Status, RetryAfter: req.RetryAfter, Shift: req.Shift}
	switch {
	case f.Route == "":
		return f, fmt.Errorf("%w: a fault needs a route", ErrInvalid)
	case !slices.Contains(faultKinds, f.Kind):
		return f, fmt.Errorf("%w: unknown fault kind %q", ErrInvalid, f.Kind)
	case f.Times < 0 || f.After < 0 || f.RetryAfter < 0:
		return f, fmt.Errorf("%w: times, after and retryAfter cannot be negative", ErrInvalid)
	case f.Kind == FaultServerError && f.Status != 0 && (f.Status < 500 || f.Status > 599):
		return f, fmt.Errorf("%w: a server error status is 5xx", ErrInvalid)
	}
	if req.Delay != "" {
		d, err := time.ParseDuration(req.Delay)
		if err != nil || d < 0 {
			return f, fmt.Errorf("%w: delay must be a duration such as 250ms", ErrInvalid)
		}
		f.Delay = d
	}
	return f, nil
}

func (s *Simulator) ctlFault(w http.ResponseWriter, r *http.Request) {
	var req faultRequest
	if !decode(w, r, &req) {
		return
	}
	f, err := req.fault()
	if err != nil {
		fail(w, err)
		return
	}
	s.InjectFault(f)
	writeJSON(w, http.StatusCreated, req)
}

func (s *Simulator) ctlClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	writeJSON(w, http.StatusOK, map[string]bool{"cleared": true})
}

func (s *Simulator) ctlAddToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Token  string   `json:"token"`
		Scopes []string `json:"scopes"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Token == "" {
		writeError(w, http.StatusBadRequest, "a token is required")
		return
	}
	s.AddToken(req.Token, req.Scopes...)
	writeJSON(w, http.StatusCreated, map[string]any{"scopes": req.Scopes})
}

func (s *Simulator) ctlRevokeToken(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	s.mu.Lock()
	_, known := s.tokens[token]
	s.mu.Unlock()
	if !known {
		writeError(w, http.StatusNotFound, "unknown token")
		return
	}
	s.RevokeToken(token)
	writeJSON(w, http.StatusOK, map[string]bool{"revoked": true})
}

func (s *Simulator) ctlRequests(w http.ResponseWriter, r *http.Request) {
	route := r.PathValue("route")
	writeJSON(w, http.StatusOK, map[string]any{"route": route, "count": s.Requests(route)})
}
