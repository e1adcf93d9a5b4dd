package humaanssim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

func TestPublicScope(t *testing.T) {
	ts := newTestSim(t, Options{People: 150, Seed: 12})
	ts.AddToken("public", ScopePublicRead)
	byID := map[string]humaans.Person{}
	for _, p := range ts.People() {
		byID[p.ID] = p
	}

	t.Run("pre-hires are hidden from public tokens", func(t *testing.T) {
		env := mustListWith[map[string]any](t, ts, "public", "people?$limit=250")
		want := 0
		for _, p := range byID {
			if p.Status != humaans.StatusNewHire {
				want++
			}
		}
		require.Equal(t, want, env.Total)
		for _, p := range env.Data {
			require.NotEqual(t, "newHire", p["status"])
		}
	})
	t.Run("private fields are left out", func(t *testing.T) {
		env := mustListWith[map[string]any](t, ts, "public", "people?$limit=5")
		for _, p := range env.Data {
			for field := range privateFields {
				require.NotContains(t, p, field)
			}
			require.Contains(t, p, "email")
			require.Contains(t, p, "firstName")
		}
	})
	t.Run("private fields can be sent as null instead", func(t *testing.T) {
		nulls := newTestSim(t, Options{People: 10, NullPrivateFields: true, FullProfiles: true})
		nulls.AddToken("public", ScopePublicRead)
		env := mustListWith[map[string]any](t, nulls, "public", "people?$limit=3")
		for _, p := range env.Data {
			for field := range privateFields {
				require.Contains(t, p, field)
				require.Nil(t, p[field])
			}
		}
	})
	t.Run("a pre-hire's id is a 404 and their rows are hidden", func(t *testing.T) {
		var pre humaans.Person
		for _, p := range byID {
			if p.Status == humaans.StatusNewHire {
				pre = p
				break
			}
		}
		status, body := ts.getWith(t, "public", "people/"+pre.ID)
		mustError(t, http.StatusNotFound, "NotFound", status, body)
		roles := mustListWith[humaans.JobRole](t, ts, "public", "job-roles?personId="+pre.ID)
		require.Zero(t, roles.Total)
		full := mustList[humaans.JobRole](t, ts, "job-roles?personId="+pre.ID)
		require.NotZero(t, full.Total)
	})
	t.Run("direct reports leave out hidden people", func(t *testing.T) {
		env := mustListWith[humaans.Person](t, ts, "public", "people?$limit=250")
		for _, p := range env.Data {
			for _, id := range p.DirectReports {
				require.NotEqual(t, humaans.StatusNewHire, byID[id].Status)
			}
		}
	})
	t.Run("filtering on a hidden field reveals nothing", func(t *testing.T) {
		env := mustListWith[humaans.Person](t, ts, "public", "people?birthday[$gte]=1900-01-01")
		require.Zero(t, env.Total)
	})
	t.Run("offboarded people can be hidden too", func(t *testing.T) {
		strict := newTestSim(t, Options{People: 150, Seed: 12, PublicHidesOffboarded: true})
		strict.AddToken("public", ScopePublicRead)
		env := mustListWith[humaans.Person](t, strict, "public", "people?$limit=250")
		for _, p := range env.Data {
			require.Equal(t, humaans.StatusActive, p.Status)
		}
	})
	t.Run("me is the full person even for a public token", func(t *testing.T) {
		status, body := ts.getWith(t, "public", "me")
		require.Equal(t, http.StatusOK, status)
		var me map[string]any
		require.NoError(t, json.Unmarshal(body, &me))
		require.Contains(t, me, "birthday")
	})
}

func TestScopeGatedRoutes(t *testing.T) {
	ts := newTestSim(t, Options{People: 10})
	gated := map[string]string{
		"compensations": ScopeCompensationsRead,
		"documents":     ScopeDocumentsRead,
		"webhooks":      ScopeWebhooksManage,
	}
	for route, scope := range gated {
		t.Run(route+" needs "+scope, func(t *testing.T) {
			status, body := ts.get(t, route)
			mustError(t, http.StatusForbidden, "Forbidden", status, body)
			ts.AddToken(route+"-token", ScopePublicRead, scope)
			env := mustListWith[map[string]any](t, ts, route+"-token", route)
			require.Zero(t, env.Total)
		})
	}
	t.Run("a token without a read scope cannot list people", func(t *testing.T) {
		ts.AddToken("hooks-only", ScopeWebhooksManage)
		status, body := ts.getWith(t, "hooks-only", "people")
		mustError(t, http.StatusForbidden, "Forbidden", status, body)
	})
}
