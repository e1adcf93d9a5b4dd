package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Bounds on the waits of the subscription checks.
const (
	// eventTimeout bounds the wait for an event that a finished sync has written.
	eventTimeout = 20 * time.Second
	// probeTimeout bounds the wait for one probe's event before the next probe is made.
	probeTimeout = time.Second
	// maxProbes bounds how often a subscription is probed before it counts as dead.
	maxProbes = 30
)

// personChangedDoc subscribes to changes of the listed people, joined with their tickets.
const personChangedDoc = `subscription($ids: [ID!], $after: String) {
	personChanged(filter: {personIds: $ids}, after: $after) {
		id cursor kind personId changedFields person { id displayName tickets { id } } } }`

// change is a PersonChange as personChangedDoc selects it.
type change struct {
	ID            string   `json:"id"`
	Cursor        string   `json:"cursor"`
	Kind          string   `json:"kind"`
	PersonID      string   `json:"personId"`
	ChangedFields []string `json:"changedFields"`
	Person        *struct {
		ID          string `json:"id"`
		DisplayName string `json:"displayName"`
		Tickets     []ref  `json:"tickets"`
	} `json:"person"`
}

// subscriber opens personChangedDoc at the gateway over one client transport.
type subscriber func(t *testing.T, s *stack, vars map[string]any) *subscription

// testSubscriptions checks personChanged through the gateway over SSE and over graphql-ws.
// It renames people, so it must run after every check that compares them as first synced.
func (s *stack) testSubscriptions(t *testing.T) {
	t.Helper()
	probe := s.people[len(s.people)-1]
	transports := []struct {
		name      string
		subscribe subscriber
		target    person
	}{
		{"SSE", func(t *testing.T, s *stack, vars map[string]any) *subscription {
			return subscribeSSE(t, s.gateway, personChangedDoc, vars)
		}, s.people[0]},
		{"graphql-ws", func(t *testing.T, s *stack, vars map[string]any) *subscription {
			return subscribeWS(t, "ws"+strings.TrimPrefix(s.gateway, "http"), personChangedDoc, vars)
		}, s.people[1]},
	}
	for _, tr := range transports {
		t.Run("a change reaches a "+tr.name+" subscriber joined with tickets and resumes",
			func(t *testing.T) {
				s.checkPersonChanged(t, tr.subscribe, tr.target.ID, probe.ID)
			})
	}
}

// checkPersonChanged subscribes to target and probe, renames target and expects the change
// through the gateway with the target's tickets; a second subscription resuming after that
// change must start with the next change and nothing older.
func (s *stack) checkPersonChanged(t *testing.T, subscribe subscriber, target, probe string) {
	ids := []string{target, probe}
	live := subscribe(t, s, map[string]any{"ids": ids})
	s.awaitLive(t, live, probe)

	s.patchPerson(t, target, map[string]any{"preferredName": "Sub Test"})
	s.syncNow(t)
	first := nextChange(t, live)
	s.requireRenamed(t, first, target, "Sub Test")

	resumed := subscribe(t, s, map[string]any{"ids": ids, "after": first.Cursor})
	s.patchPerson(t, target, map[string]any{"preferredName": "Sub Test Again"})
	s.syncNow(t)
	again := nextChange(t, resumed)
	s.requireRenamed(t, again, target, "Sub Test Again")
	require.NotEqual(t, first.Cursor, again.Cursor, "the resumed stream replayed the change")
	require.Equal(t, again, nextChange(t, live), "the live stream saw another next change")
}

// requireRenamed checks that c is an UPDATED change of preferredName for target, who now
// displays as preferredName, and that the gateway joined the tickets the tickets subgraph
// holds for target.
func (s *stack) requireRenamed(t *testing.T, c change, target, preferredName string) {
	t.Helper()
	require.Equal(t, "UPDATED", c.Kind, "change %+v", c)
	require.Equal(t, target, c.PersonID)
	require.Contains(t, c.ChangedFields, "preferredName")
	require.NotNil(t, c.Person, "the change of %s carries no person", target)
	require.Equal(t, target, c.Person.ID)
	require.Equal(t, s.displayName(t, target), c.Person.DisplayName)
	require.True(t, strings.HasPrefix(c.Person.DisplayName, preferredName+" "),
		"display name %q does not start with the new preferred name %q",
		c.Person.DisplayName, preferredName)
	want := s.directTickets(t, target)
	require.NotEmpty(t, want, "the tickets subgraph holds no tickets for %s", target)
	require.Equal(t, want, c.Person.Tickets)
}

// awaitLive renames probe until sub delivers the change of the latest name, which shows the
// subscription is live end to end: from the gateway to peoplegraph's event broker. Changes
// of earlier probes that arrive late are read and dropped.
func (s *stack) awaitLive(t *testing.T, sub *subscription, probe string) {
	t.Helper()
	for n := 1; n <= maxProbes; n++ {
		name := fmt.Sprintf("Probe %d", n)
		s.patchPerson(t, probe, map[string]any{"preferredName": name})
		s.syncNow(t)
		ctx, cancel := context.WithTimeout(t.Context(), probeTimeout)
		found, err := awaitProbe(ctx, sub, probe, name)
		cancel()
		if found {
			t.Logf("the subscription was live after %d rename(s) of %s", n, probe)
			return
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("probing the subscription: %v", err)
		}
	}
	t.Fatalf("no change of %s arrived after %d renames", probe, maxProbes)
}

// awaitProbe reads sub until the change that gave probe the preferred name name arrives.
func awaitProbe(ctx context.Context, sub *subscription, probe, name string) (bool, error) {
	for {
		var got struct {
			PersonChanged change `json:"personChanged"`
		}
		if err := sub.next(ctx, &got); err != nil {
			return false, err
		}
		c := got.PersonChanged
		if c.PersonID != probe {
			return false, fmt.Errorf("a change of %s arrived while probing: %+v", c.PersonID, c)
		}
		if c.Person != nil && strings.HasPrefix(c.Person.DisplayName, name+" ") {
			return true, nil
		}
	}
}

// nextChange waits for the next personChanged event of sub.
func nextChange(t *testing.T, sub *subscription) change {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), eventTimeout)
	defer cancel()
	var got struct {
		PersonChanged change `json:"personChanged"`
	}
	require.NoError(t, sub.next(ctx, &got))
	return got.PersonChanged
}

// patchPerson changes fields of the person id in the Humaans simulator.
func (s *stack) patchPerson(t *testing.T, id string, fields map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()
	url := s.simulator + "/_sim/people/" + id
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, url,
		bytes.NewReader([]byte(mustJSON(t, fields))))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "PATCH %s: %s", url, body)
}

// syncNow starts a sync on peoplegraph and waits until that run has succeeded, so that
// the changes it applied have been written to the event log.
func (s *stack) syncNow(t *testing.T) {
	t.Helper()
	var started struct {
		SyncNow struct {
			ID      string `json:"id"`
			Trigger string `json:"trigger"`
		} `json:"syncNow"`
	}
	err := query(t.Context(), s.peoplegraph, `mutation { syncNow { id trigger } }`, nil, &started)
	require.NoError(t, err)
	require.Equal(t, "MANUAL", started.SyncNow.Trigger, "another sync run was under way")
	ctx, cancel := context.WithTimeout(t.Context(), eventTimeout)
	defer cancel()
	err = s.peoplegraphProc.poll(ctx, "sync run "+started.SyncNow.ID,
		runFinished(s.peoplegraph, started.SyncNow.ID))
	require.NoError(t, err)
}

// runFinished checks that the sync run id has finished, and fails unless it succeeded.
func runFinished(endpoint, id string) func(context.Context) error {
	return func(ctx context.Context) error {
		var got struct {
			HumaansSync struct {
				LastRun *struct {
					ID         string  `json:"id"`
					Status     string  `json:"status"`
					FinishedAt *string `json:"finishedAt"`
				} `json:"lastRun"`
			} `json:"humaansSync"`
		}
		doc := `{ humaansSync { lastRun { id status finishedAt } } }`
		if err := query(ctx, endpoint, doc, nil, &got); err != nil {
			return err
		}
		run := got.HumaansSync.LastRun
		if run == nil || run.ID != id || run.FinishedAt == nil {
			return fmt.Errorf("%w: last run %+v", errNotYet, run)
		}
		if run.Status != "SUCCEEDED" {
			return fmt.Errorf("sync run %s ended %s", id, run.Status)
		}
		return nil
	}
}

// displayName asks peoplegraph directly for the display name of the person id.
func (s *stack) displayName(t *testing.T, id string) string {
	t.Helper()
	var got struct {
		Person *struct {
			DisplayName string `json:"displayName"`
		} `json:"person"`
	}
	err := query(t.Context(), s.peoplegraph, `query($id: ID!) { person(id: $id) { displayName } }`,
		map[string]any{"id": id}, &got)
	require.NoError(t, err)
	require.NotNil(t, got.Person, "peoplegraph has no person %s", id)
	return got.Person.DisplayName
}

// directTickets asks the tickets subgraph itself, bypassing the gateway, for the tickets
// of the person id.
func (s *stack) directTickets(t *testing.T, id string) []ref {
	t.Helper()
	var got struct {
		Entities []struct {
			Tickets []ref `json:"tickets"`
		} `json:"_entities"`
	}
	rep := json.RawMessage(mustJSON(t, map[string]string{"__typename": "Person", "id": id}))
	err := query(t.Context(), s.tickets, `query($reps: [_Any!]!) {
		_entities(representations: $reps) { ... on Person { tickets { id } } } }`,
		map[string]any{"reps": []json.RawMessage{rep}}, &got)
	require.NoError(t, err)
	require.Len(t, got.Entities, 1)
	return got.Entities[0].Tickets
}
