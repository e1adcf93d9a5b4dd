package graph_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/event"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// smallBuffers makes accepted connections' kernel send buffers small, so
// that a client that stops reading blocks the server after a few events.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// smallReadClient dials with a small kernel receive buffer.
func smallReadClient() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(4096)
			}
			return c, err
		},
	}}
}

func TestSlowSubscriber(t *testing.T) {
	e := newEnv(t, storetest.Open(t), envOptions{people: 10, events: true,
		brokerOpts:   []pubsub.Option{pubsub.WithBufferSize(1), pubsub.WithMaxLag(16)},
		wrapListener: func(l net.Listener) net.Listener { return smallBuffers{l} }})
	w := logWriter{t, e}
	p := someManaged(t, e.db)
	day := civil.MustParse("2025-03-14")
	after := lastCursor(t, e)
	const n = 200

	slow := openStream(t, e, protoTransportWS, "", smallReadClient())
	require.Equal(t, "connection_ack", slow.read().Type)
	slow.subscribe("1", lifecycleSub, map[string]any{"after": after})
	fast := dialStream(t, e, protoTransportWS, "")
	fast.subscribe("1", lifecycleSub, map[string]any{"after": after})

	// The fast client reads while the events are written, in rounds that
	// wait for it, so that it never lags; the slow one reads nothing until
	// they all are.
	fastGot := make(chan wsMessage, n)
	go func() {
		for range n {
			m, err := fast.tryRead()
			if err != nil {
				break
			}
			fastGot <- m
		}
		close(fastGot)
	}()
	const round = 8
	var want []string
	for len(want) < n {
		for range round {
			want = append(want, strconv.Itoa(w.lifecycle(event.TypeBIRTHDAY, p.ID, day, 0)))
		}
		for _, id := range want[len(want)-round:] {
			m, ok := <-fastGot
			require.True(t, ok, "the fast subscriber's stream ended")
			require.Equal(t, id, lifecycleOf(t, fast.result(m)).Cursor)
		}
	}

	var slowGot []string
	var end *gqlResponse
	for end == nil {
		res := slow.next()
		if len(res.Errors) > 0 {
			end = res
			break
		}
		slowGot = append(slowGot, lifecycleOf(t, res).Cursor)
	}
	slow.expectComplete()
	require.Less(t, len(slowGot), n, "the slow subscriber was cut off")
	require.Equal(t, []string{"SLOW_CONSUMER"}, end.codes())
	cursor, _ := end.Errors[0].Extensions["cursor"].(string)
	require.NotEmpty(t, cursor)
	require.Equal(t, want[:len(slowGot)], slowGot, "what it got has no gap")
	if len(slowGot) > 0 {
		require.Equal(t, slowGot[len(slowGot)-1], cursor, "the cursor is the last delivered")
	}

	again := dialStream(t, e, protoTransportWS, "")
	again.subscribe("1", lifecycleSub, map[string]any{"after": cursor})
	for _, id := range want[len(slowGot):] {
		require.Equal(t, id, lifecycleOf(t, again.next()).Cursor, "resuming skips nothing")
	}
}
