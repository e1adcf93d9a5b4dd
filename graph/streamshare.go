package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jonboulle/clockwork"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/peoplegraph/peoplegraph/internal/auth"
)

// sharedResponsesSize bounds how many resolved event responses
// sharedResponses keeps.
const sharedResponsesSize = 4096

// sharedResponseTTL is how long a resolved response serves the other
// subscribers of its event, like the event's person row (eventPeopleTTL):
// a live event reaches its subscribers within moments of each other.
const sharedResponseTTL = eventPeopleTTL

// sharedResponses resolves each event once for all the subscribers that
// would resolve it identically (see streamShareKey). The first of them
// to reach an event resolves it through the executor, the others wait for
// and send that response. A fan-out to thousands of workflow subscribers
// then costs one execution per event instead of one per subscriber, and
// every one of them sees the same data.
type sharedResponses struct {
	clock    clockwork.Clock
	observer Observer

	mu      sync.Mutex
	entries boundedMap[shareID, *sharedResponse]
}

// shareID names one event as resolved by one kind of subscriber.
type shareID struct {
	key   string
	event int
}

// sharedResponse is one event's response; done closes once resp is set,
// or left nil because the subscriber resolving it went away.
type sharedResponse struct {
	fillOnce
	resp *graphql.Response
}

func newSharedResponses(clock clockwork.Clock, observer Observer) *sharedResponses {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &sharedResponses{clock: clock, observer: observer,
		entries: newBoundedMap[shareID, *sharedResponse](sharedResponsesSize)}
}

// shareKey says which callers receive the same response: the document,
// operation name, variables (encoding/json sorts map keys) and the caller's
// scopes decide it. It is empty, sharing nothing, when the variables do not
// encode.
func shareKey(ctx context.Context) string {
	oc := graphql.GetOperationContext(ctx)
	vars, err := json.Marshal(oc.Variables)
	if err != nil {
		return ""
	}
	return digest(oc.RawQuery, oc.OperationName, string(vars), scopesKey(ctx))
}

// digest names the parts, which may hold a whole document, in 32 bytes, so
// that the tables keyed by it stay small whatever callers send.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// scopesKey names what the caller may see: its sorted scopes and whether it
// authenticated.
func scopesKey(ctx context.Context) string {
	p := auth.FromContext(ctx)
	scopes := make([]string, len(p.Scopes))
	for i, s := range p.Scopes {
		scopes[i] = string(s)
	}
	slices.Sort(scopes)
	return strings.Join(scopes, " ") + "\x00" + strconv.FormatBool(p.Authenticated)
}

// payloadOnlyRoots are the subscription fields whose events resolve the
// same whatever the field's arguments: the event types, the person filter
// and the resume cursor only choose which events a subscriber receives.
var payloadOnlyRoots = map[string]bool{"lifecycleTriggered": true, "personChanged": true}

// streamShareKey says which subscribers receive the same payload for every
// event they both receive. For the subscription fields of payloadOnlyRoots
// that is decided by the field's alias and selection, the fragments it may
// spread, the variables that selection uses and the caller's scopes, so
// that workflows filtering on different departments or people share each
// event's resolution. Any other shape falls back to shareKey.
func streamShareKey(ctx context.Context) string {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Doc == nil || len(oc.Operation.SelectionSet) != 1 {
		return shareKey(ctx)
	}
	root, ok := oc.Operation.SelectionSet[0].(*ast.Field)
	if !ok || !payloadOnlyRoots[root.Name] || len(root.Directives) > 0 {
		return shareKey(ctx)
	}
	var payload strings.Builder
	formatter.NewFormatter(&payload).FormatQueryDocument(&ast.QueryDocument{
		Operations: ast.OperationList{{Operation: ast.Query, SelectionSet: root.SelectionSet}},
		Fragments:  oc.Doc.Fragments,
	})
	used := map[string]bool{}
	variablesIn(root.SelectionSet, used)
	for _, f := range oc.Doc.Fragments {
		variablesIn(f.SelectionSet, used)
		directiveVariables(f.Directives, used)
	}
	vars := make(map[string]any, len(used))
	for name := range used {
		vars[name] = oc.Variables[name]
	}
	encoded, err := json.Marshal(vars)
	if err != nil {
		return ""
	}
	return digest("stream", root.Alias, root.Name, payload.String(), string(encoded),
		scopesKey(ctx))
}

// variablesIn adds the variables the selection set uses, in arguments and
// directives at any depth, to used.
func variablesIn(set ast.SelectionSet, used map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			for _, a := range sel.Arguments {
				valueVariables(a.Value, used)
			}
			directiveVariables(sel.Directives, used)
			variablesIn(sel.SelectionSet, used)
		case *ast.InlineFragment:
			directiveVariables(sel.Directives, used)
			variablesIn(sel.SelectionSet, used)
		case *ast.FragmentSpread:
			directiveVariables(sel.Directives, used)
		}
	}
}

func directiveVariables(ds ast.DirectiveList, used map[string]bool) {
	for _, d := range ds {
		for _, a := range d.Arguments {
			valueVariables(a.Value, used)
		}
	}
}

func valueVariables(v *ast.Value, used map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		used[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVariables(c.Value, used)
	}
}

// do returns the response to event for the subscribers of key: resolve's,
// when this caller is the first, else the first caller's. It returns nil
// when ctx ends while waiting. An empty key shares nothing.
func (c *sharedResponses) do(ctx context.Context, key string, event int,
	resolve func() *graphql.Response) *graphql.Response {
	if key == "" {
		c.observer.StreamedEvent(false)
		return resolve()
	}
	e, mine := c.claim(shareID{key: key, event: event})
	if mine {
		c.observer.StreamedEvent(false)
		// Released even if resolving panics, so that nobody waits forever;
		// the waiters then resolve the event themselves.
		defer close(e.done)
		resp := resolve()
		if resp != nil && ctx.Err() == nil {
			e.resp = shareable(resp)
		}
		return resp
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil
	}
	if e.resp == nil {
		c.observer.StreamedEvent(false)
		return resolve()
	}
	c.observer.StreamedEvent(true)
	// Shared between subscribers: the transports only encode responses.
	return e.resp
}

// claim returns the entry of id, creating it when it is missing or stale;
// mine says the caller created it and must resolve it.
func (c *sharedResponses) claim(id shareID) (*sharedResponse, bool) {
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	// A resolved entry left without a response failed: it is not shared.
	if e := c.entries.get(id); e != nil &&
		!e.expired(now, sharedResponseTTL, func() bool { return e.resp == nil }) {
		return e, false
	}
	e := &sharedResponse{fillOnce: newFillOnce(now)}
	c.entries.set(id, e)
	return e, true
}

// shareable copies what of a response its executor reuses: a subscription
// writes each event's data into the same buffer.
func shareable(resp *graphql.Response) *graphql.Response {
	out := *resp
	out.Data = bytes.Clone(resp.Data)
	return &out
}
