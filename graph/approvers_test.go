package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

type approverResult struct {
	Person struct {
		ID string `json:"id"`
	} `json:"person"`
	Approvers []struct {
		Level    int    `json:"level"`
		Reason   string `json:"reason"`
		Distance int    `json:"distance"`
		Person   struct {
			ID string `json:"id"`
		} `json:"person"`
	} `json:"approvers"`
	Skipped []struct {
		Reason string `json:"reason"`
		Person struct {
			ID string `json:"id"`
		} `json:"person"`
	} `json:"skipped"`
	ChainEnded   bool `json:"chainEnded"`
	LoopDetected bool `json:"loopDetected"`
}

const approversQuery = `query($email: String!, $levels: Int, $skip: [String!]) {
	approvers(email: $email, levels: $levels, skip: $skip) {
		person { id }
		approvers { level reason distance person { id } }
		skipped { reason person { id } }
		chainEnded loopDetected
	}
}`

func (e *env) approvers(t *testing.T, vars map[string]any) *approverResult {
	t.Helper()
	var out struct {
		Approvers *approverResult `json:"approvers"`
	}
	e.query(t, approversQuery, vars, &out)
	return out.Approvers
}

func TestApprovers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, envOptions{people: 80})
		p, chain := deepest(t, db)
		email := strings.ToUpper(*p.WorkEmail)

		t.Run("the first approver is the direct manager", func(t *testing.T) {
			res := e.approvers(t, map[string]any{"email": email})
			require.Equal(t, p.ID, res.Person.ID)
			require.Len(t, res.Approvers, 1)
			a := res.Approvers[0]
			require.Equal(t, chain[0], a.Person.ID)
			require.Equal(t, "DIRECT_MANAGER", a.Reason)
			require.Equal(t, 1, a.Level)
			require.Equal(t, 1, a.Distance)
			require.False(t, res.ChainEnded)
			require.False(t, res.LoopDetected)
		})

		t.Run("asking past the top ends the chain", func(t *testing.T) {
			res := e.approvers(t, map[string]any{"email": email, "levels": 10})
			require.Len(t, res.Approvers, len(chain))
			for i, a := range res.Approvers {
				require.Equal(t, chain[i], a.Person.ID)
				require.Equal(t, i+1, a.Level)
			}
			require.Equal(t, "NEXT_MANAGER", res.Approvers[1].Reason)
			require.True(t, res.ChainEnded)
			require.False(t, res.LoopDetected)
		})

		t.Run("levels out of range and malformed emails are BAD_USER_INPUT", func(t *testing.T) {
			for _, vars := range []map[string]any{
				{"email": email, "levels": 0}, {"email": email, "levels": 11},
				{"email": "nope"}, {"email": email, "skip": []string{"nope"}},
			} {
				res := e.post(t, "", approversQuery, vars)
				require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes(), "vars %v", vars)
			}
		})

		t.Run("an unknown email gives null", func(t *testing.T) {
			require.Nil(t, e.approvers(t, map[string]any{"email": "nobody@example.com"}))
		})

		t.Run("a manager asked to be skipped is passed over", func(t *testing.T) {
			m, err := db.Client.Person.Get(ctx, chain[0])
			require.NoError(t, err)
			res := e.approvers(t, map[string]any{"email": email, "skip": []string{*m.WorkEmail}})
			require.Len(t, res.Approvers, 1)
			require.Equal(t, chain[1], res.Approvers[0].Person.ID)
			require.Equal(t, "FALLBACK_UP_THE_CHAIN", res.Approvers[0].Reason)
			require.Equal(t, 2, res.Approvers[0].Distance)
			require.Equal(t, "REQUESTED", res.Skipped[0].Reason)
		})

		t.Run("a departed manager is skipped and the chain continues", func(t *testing.T) {
			require.NoError(t, e.sim.Offboard(chain[0], civil.Date{}))
			e.sync(t)
			m, err := db.Client.Person.Get(ctx, chain[0])
			require.NoError(t, err)
			require.NotNil(t, m.DepartedAt, "the sync departs the offboarded manager")
			res := e.approvers(t, map[string]any{"email": email, "levels": 2})
			require.Len(t, res.Approvers, 2)
			require.Equal(t, chain[1], res.Approvers[0].Person.ID)
			require.Equal(t, "FALLBACK_UP_THE_CHAIN", res.Approvers[0].Reason)
			require.Equal(t, chain[2], res.Approvers[1].Person.ID)
			require.Equal(t, "NEXT_MANAGER", res.Approvers[1].Reason)
			require.Equal(t, chain[0], res.Skipped[0].Person.ID)
			require.Equal(t, "DEPARTED", res.Skipped[0].Reason)
		})

		t.Run("a reporting loop is reported, never followed twice", func(t *testing.T) {
			// The top of the chain now reports to p's second manager.
			top := chain[len(chain)-1]
			_, err := db.Client.Person.UpdateOneID(top).SetManagerID(chain[1]).Save(ctx)
			require.NoError(t, err)
			res := e.approvers(t, map[string]any{"email": email, "levels": 10})
			require.True(t, res.LoopDetected)
			require.False(t, res.ChainEnded)
			require.Len(t, res.Approvers, len(chain)-1, "the departed manager is skipped once")
			seen := map[string]bool{}
			for _, a := range res.Approvers {
				require.False(t, seen[a.Person.ID])
				seen[a.Person.ID] = true
			}
		})
	})
}
