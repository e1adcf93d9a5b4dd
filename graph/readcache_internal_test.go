package graph

import (
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestReadCacheKeepsNothingReadAcrossAFlush(t *testing.T) {
	c := newReadCache(time.Minute, clockwork.NewFakeClock())
	resp := &graphql.Response{Data: []byte(`{"person":null}`)}

	before := c.generation()
	c.flush()
	c.put(before, "person", "p1", "stale")
	c.putResponse(before, "q", resp)
	_, ok := c.get("person", "p1")
	require.False(t, ok, "a lookup read before the flush")
	_, ok = c.response("q")
	require.False(t, ok, "a response computed before the flush")

	now := c.generation()
	c.put(now, "person", "p1", "fresh")
	c.putResponse(now, "q", resp)
	v, ok := c.get("person", "p1")
	require.True(t, ok)
	require.Equal(t, "fresh", v)
	kept, ok := c.response("q")
	require.True(t, ok)
	require.JSONEq(t, string(resp.Data), string(kept.Data))
}

func TestReadCacheKeepsOnlyWholeSmallResponses(t *testing.T) {
	c := newReadCache(time.Minute, clockwork.NewFakeClock())
	gen := c.generation()
	c.putResponse(gen, "failed", &graphql.Response{Data: []byte(`{"person":null}`),
		Errors: gqlerror.List{{Message: "boom"}}})
	_, ok := c.response("failed")
	require.False(t, ok, "a response with errors")
	c.putResponse(gen, "big", &graphql.Response{Data: make([]byte, responseCacheMaxBytes+1)})
	_, ok = c.response("big")
	require.False(t, ok, "a response over the size limit")

	chunk := make([]byte, responseCacheMaxBytes/2)
	c.putResponse(gen, "0", &graphql.Response{Data: chunk})
	_, ok = c.response("0")
	require.True(t, ok, "a response within the limits")
	for i := 1; i <= 2*responseCacheBudget/len(chunk); i++ {
		c.putResponse(gen, strconv.Itoa(i), &graphql.Response{Data: chunk})
		require.LessOrEqual(t, c.resp.bytes, responseCacheBudget)
	}
	_, ok = c.response("0")
	require.False(t, ok, "a full budget starts over")
}
