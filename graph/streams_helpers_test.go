package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
)

// streamWait bounds how long a test waits for an event that should arrive
// promptly; reaching it fails the test rather than measuring anything.
const streamWait = 15 * time.Second

// The websocket subprotocols gqlgen speaks.
const (
	protoTransportWS = "graphql-transport-ws"
	protoLegacyWS    = "graphql-ws"
)

// wsMessage is a message of either websocket protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient is one websocket connection to the graph speaking either
// protocol, with one subscription at a time.
type wsClient struct {
	t     *testing.T
	proto string
	conn  *websocket.Conn
}

// dialStream opens a websocket with proto and completes connection_init
// with the given bearer token ("" for none).
func dialStream(t *testing.T, e *env, proto, token string) *wsClient {
	t.Helper()
	c := openStream(t, e, proto, token, nil)
	m := c.read()
	require.Equal(t, "connection_ack", m.Type, "payload: %s", m.Payload)
	return c
}

// openStream opens a websocket and sends connection_init without waiting
// for the answer. client, when set, makes the HTTP request.
func openStream(t *testing.T, e *env, proto, token string,
	client *http.Client) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http")
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		Subprotocols: []string{proto}, HTTPClient: client,
	})
	require.NoError(t, err)
	conn.SetReadLimit(1 << 22)
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsClient{t: t, proto: proto, conn: conn}
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	c.write("", "connection_init", init)
	return c
}

func (c *wsClient) write(id, typ string, payload any) {
	c.t.Helper()
	m := wsMessage{ID: id, Type: typ}
	if payload != nil {
		raw, err := json.Marshal(payload)
		require.NoError(c.t, err)
		m.Payload = raw
	}
	b, err := json.Marshal(m)
	require.NoError(c.t, err)
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	require.NoError(c.t, c.conn.Write(ctx, websocket.MessageText, b))
}

// read returns the next message that is not a keep-alive, answering pings.
func (c *wsClient) read() wsMessage {
	c.t.Helper()
	m, err := c.tryRead()
	require.NoError(c.t, err)
	return m
}

func (c *wsClient) tryRead() (wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMessage{}, err
		}
		switch m.Type {
		case "ping":
			c.write("", "pong", nil)
		case "pong", "ka":
		default:
			return m, nil
		}
	}
}

// subscribe starts operation id.
func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	typ := "subscribe"
	if c.proto == protoLegacyWS {
		typ = "start"
	}
	c.write(id, typ, map[string]any{"query": query, "variables": vars})
}

// next returns the next result of the subscription: data, or errors.
func (c *wsClient) next() *gqlResponse {
	c.t.Helper()
	m := c.read()
	return c.result(m)
}

func (c *wsClient) result(m wsMessage) *gqlResponse {
	c.t.Helper()
	switch m.Type {
	case "next", "data":
		var res gqlResponse
		require.NoError(c.t, json.Unmarshal(m.Payload, &res))
		return &res
	case "error":
		// Errors before the operation starts: a list, or one object in the
		// legacy protocol.
		var res gqlResponse
		if err := json.Unmarshal(m.Payload, &res.Errors); err != nil {
			var one gqlError
			require.NoError(c.t, json.Unmarshal(m.Payload, &one))
			res.Errors = []gqlError{one}
		}
		return &res
	}
	c.t.Fatalf("unexpected %s message: %s", m.Type, m.Payload)
	return nil
}

// expectComplete requires the subscription to complete next.
func (c *wsClient) expectComplete() {
	c.t.Helper()
	m := c.read()
	require.Equal(c.t, "complete", m.Type, "payload: %s", m.Payload)
}

// sseStream is one subscription over SSE.
type sseStream struct {
	t  *testing.T
	sc *bufio.Scanner
}

// subscribeSSE posts a subscription asking for an event stream.
func subscribeSSE(t *testing.T, e *env, query string, vars map[string]any) *sseStream {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL,
		strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	return &sseStream{t: t, sc: bufio.NewScanner(res.Body)}
}

// next returns the next "next" event's result. The body is read with the
// request's context; the server's keep-alives and the test's own timeout
// bound the wait.
func (s *sseStream) next() *gqlResponse {
	s.t.Helper()
	event := ""
	for s.sc.Scan() {
		line := s.sc.Text()
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			event = v
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == "next" {
			var res gqlResponse
			require.NoError(s.t, json.Unmarshal([]byte(d), &res))
			return &res
		}
	}
	s.t.Fatalf("the event stream ended: %v", s.sc.Err())
	return nil
}

var occurrenceSerial atomic.Int64

// logWriter writes events to the log the way every writer does: lock,
// insert, notify, commit, then wake the local broker.
type logWriter struct {
	t *testing.T
	e *env
}

// lifecycle writes a lifecycle event of type typ for person.
func (w logWriter) lifecycle(typ event.Type, personID string, day civil.Date, years int) int {
	w.t.Helper()
	payload := fmt.Sprintf(`{"timeZone": "Europe/Berlin", "years": %d}`, years)
	return w.write(func(tx *ent.Tx) *ent.EventCreate {
		// Tests write one occurrence many times; a serial keeps keys unique.
		key := fmt.Sprintf("%s|%s|0|%s|%d", personID, typ, day, occurrenceSerial.Add(1))
		return tx.Event.Create().SetType(typ).SetPersonID(personID).SetLocalDate(day).
			SetOccurrenceKey(key).SetPayload(json.RawMessage(payload)).
			SetOccurredAt(day.In(time.UTC, 9))
	})
}

// change writes a directory change of type typ for person.
func (w logWriter) change(typ event.Type, personID string, fields []string,
	payload string) int {
	w.t.Helper()
	return w.write(func(tx *ent.Tx) *ent.EventCreate {
		c := tx.Event.Create().SetType(typ).SetPersonID(personID).SetChangedFields(fields)
		if payload != "" {
			c.SetPayload(json.RawMessage(payload))
		}
		return c
	})
}

func (w logWriter) write(build func(tx *ent.Tx) *ent.EventCreate) int {
	w.t.Helper()
	ctx := context.Background()
	db := w.e.db
	tx, err := db.Client.Tx(ctx)
	require.NoError(w.t, err)
	require.NoError(w.t, pubsub.LockLog(ctx, tx, db.Dialect))
	ev, err := build(tx).Save(ctx)
	require.NoError(w.t, err)
	require.NoError(w.t, pubsub.NotifyTx(ctx, tx, db.Dialect))
	require.NoError(w.t, tx.Commit())
	w.e.broker.Publish(ctx)
	return ev.ID
}

// eventData decodes a subscription result's data field into v.
func eventData(t *testing.T, res *gqlResponse, v any) {
	t.Helper()
	require.Empty(t, res.Errors)
	require.NoError(t, json.Unmarshal(res.Data, v))
}
