package humaanssim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// response is an API answer, computed under the lock and written after it is released.
type response struct {
	status int
	body   []byte
	// list is set for a successful list page, which the shift-records fault acts after.
	list bool
}

// errorNames maps statuses to the Feathers error names and class names Humaans sends.
var errorNames = map[int][2]string{
	http.StatusBadRequest:          {"BadRequest", "bad-request"},
	http.StatusUnauthorized:        {"NotAuthenticated", "not-authenticated"},
	http.StatusForbidden:           {"Forbidden", "forbidden"},
	http.StatusNotFound:            {"NotFound", "not-found"},
	http.StatusMethodNotAllowed:    {"MethodNotAllowed", "method-not-allowed"},
	http.StatusTooManyRequests:     {"TooManyRequests", "too-many-requests"},
	http.StatusInternalServerError: {"GeneralError", "general-error"},
	http.StatusBadGateway:          {"BadGateway", "bad-gateway"},
	http.StatusServiceUnavailable:  {"Unavailable", "unavailable"},
}

// errorBody is the Feathers error object: {name, message, code, className, errors}.
func errorBody(status int, msg string) []byte {
	names, ok := errorNames[status]
	if !ok {
		names = [2]string{"GeneralError", "general-error"}
	}
	b, _ := json.Marshal(map[string]any{
		"name": names[0], "message": msg, "code": status, "className": names[1],
		"errors": map[string]any{},
	})
	return b
}

func errorResponse(status int, msg string) response {
	return response{status: status, body: errorBody(status, msg)}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeBody(w, status, errorBody(status, msg))
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// splitAPIPath splits /api/<route>/<id>/<rest>.
func splitAPIPath(path string) (route, id, rest string) {
	path = strings.Trim(strings.TrimPrefix(path, "/api"), "/")
	route, path, _ = strings.Cut(path, "/")
	id, rest, _ = strings.Cut(path, "/")
	return route, id, rest
}

// serveAPI counts the request, applies any fault for its route, and answers it.
func (s *Simulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	route, id, rest := splitAPIPath(r.URL.Path)
	firstPage := id == "" && r.Method == http.MethodGet && isFirstPage(r)
	s.mu.Lock()
	s.requests[route]++
	f := s.takeFault(route, firstPage)
	s.mu.Unlock()
	if f != nil && s.applyFault(w, r, f) {
		return
	}
	resp := s.handle(r, route, id, rest)
	s.log.Debug("humaans api request", "method", r.Method, "path", r.URL.Path,
		"status", resp.status)
	if f != nil {
		switch f.Kind {
		case FaultTruncateBody:
			if resp.status == http.StatusOK {
				truncate(w, resp.body)
				return
			}
		case FaultShiftRecords:
			if resp.list {
				s.shift(route, f.Shift)
			}
		}
	}
	writeBody(w, resp.status, resp.body)
}

func isFirstPage(r *http.Request) bool {
	skip := r.URL.Query().Get("$skip")
	return skip == "" || skip == "0"
}

// bearer returns the request's bearer token, or "".
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// scopeGated lists the routes that need a scope beyond the read scopes.
var scopeGated = map[string]string{
	"compensations":      ScopeCompensationsRead,
	"compensation-types": ScopeCompensationsRead,
	"documents":          ScopeDocumentsRead,
	"identity-documents": ScopeDocumentsRead,
	"webhooks":           ScopeWebhooksManage,
}

// handle authenticates and answers one API request.
func (s *Simulator) handle(r *http.Request, route, id, rest string) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.tokens[bearer(r)]
	if !ok || bearer(r) == "" {
		return errorResponse(http.StatusUnauthorized, "Invalid authentication information")
	}
	if need, gated := scopeGated[route]; gated {
		if !g.has(need) {
			return errorResponse(http.StatusForbidden,
				fmt.Sprintf("You do not have the %s scope", need))
		}
		return s.gatedList(r, id)
	}
	if !g.has(ScopePublicRead) && !g.has(ScopePrivateRead) {
		return errorResponse(http.StatusForbidden, "You do not have a read scope")
	}
	if r.Method != http.MethodGet {
		if !g.has(ScopePrivateWrite) {
			return errorResponse(http.StatusForbidden, "You do not have the private:write scope")
		}
		return errorResponse(http.StatusMethodNotAllowed,
			"This simulator serves reads only; change the company through /_sim/")
	}
	if rest != "" {
		return errorResponse(http.StatusNotFound, "Page not found")
	}
	return s.read(r, route, id, g)
}

// read answers the read routes.
func (s *Simulator) read(r *http.Request, route, id string, g grant) response {
	v := view{
		private:        g.has(ScopePrivateRead),
		hideOffboarded: s.opts.PublicHidesOffboarded,
		nullPrivate:    s.opts.NullPrivateFields,
	}
	switch route {
	case "me":
		return s.me(id, g)
	case "token-info":
		return s.tokenInfo(id, g)
	case "people":
		return serve(s, r, id, v, peopleResource)
	case "job-roles":
		return serve(s, r, id, v, rolesResource)
	case "locations":
		return serve(s, r, id, v, locationsResource)
	case "companies":
		return serve(s, r, id, v, companiesResource)
	case "custom-fields":
		return serve(s, r, id, v, fieldsResource)
	case "custom-values":
		return serve(s, r, id, v, valuesResource)
	}
	return errorResponse(http.StatusNotFound, "Page not found")
}

// serve answers GET /<resource> and GET /<resource>/:id.
func serve[T fielder](s *Simulator, r *http.Request, id string, v view, res resource[T]) response {
	q, err := parseListQuery(r.URL.RawQuery, s.opts.RejectOverLimit)
	if err != nil {
		return badRequestResponse(err)
	}
	if id != "" && res.get != nil {
		if t, ok := res.get(s, v, id); ok {
			return response{status: http.StatusOK, body: res.encode(s, nil, t, v)}
		}
	} else if id != "" {
		for _, t := range res.visible(s, v, &listQuery{}) {
			if res.id(t) == id {
				return response{status: http.StatusOK, body: res.encode(s, nil, t, v)}
			}
		}
	}
	if id != "" {
		return errorResponse(http.StatusNotFound, fmt.Sprintf("No record found for id '%s'", id))
	}
	if res.adjust != nil {
		res.adjust(s, q)
	}
	body, err := list(s, res, v, q)
	if err != nil {
		return badRequestResponse(err)
	}
	return response{status: http.StatusOK, body: body, list: true}
}

func badRequestResponse(err error) response {
	var bad *badRequest
	if errors.As(err, &bad) {
		return errorResponse(http.StatusBadRequest, bad.msg)
	}
	return errorResponse(http.StatusInternalServerError, "internal error")
}

func (s *Simulator) me(id string, g grant) response {
	p := s.peopleByID[g.personID]
	if id != "" || p == nil {
		return errorResponse(http.StatusNotFound, "Page not found")
	}
	return response{status: http.StatusOK, body: s.appendPerson(nil, p, fullView)}
}

func (s *Simulator) tokenInfo(id string, g grant) response {
	if s.opts.NoTokenInfo || id != "" {
		return errorResponse(http.StatusNotFound, "Page not found")
	}
	b, _ := json.Marshal(map[string]any{"scopes": g.scopes, "personId": g.personID})
	return response{status: http.StatusOK, body: b}
}

// gatedList answers the scope-gated routes, which hold no records in the simulator.
func (s *Simulator) gatedList(r *http.Request, id string) response {
	if r.Method != http.MethodGet || id != "" {
		return errorResponse(http.StatusNotFound, "Page not found")
	}
	q, err := parseListQuery(r.URL.RawQuery, s.opts.RejectOverLimit)
	if err != nil {
		return badRequestResponse(err)
	}
	body := fmt.Appendf(nil, `{"total":0,"limit":%d,"skip":%d,"data":[]}`, q.limit, q.skip)
	return response{status: http.StatusOK, body: body, list: true}
}
