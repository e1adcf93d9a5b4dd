package graph_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

type runData struct {
	ID         string  `json:"id"`
	Status     string  `json:"status"`
	Trigger    string  `json:"trigger"`
	HeldReason *string `json:"heldReason"`
	Departed   int     `json:"departed"`
}

func (e *env) syncNow(t *testing.T) runData {
	t.Helper()
	var out struct {
		SyncNow runData `json:"syncNow"`
	}
	e.query(t, `mutation { syncNow { id status trigger } }`, nil, &out)
	return out.SyncNow
}

// waitRun waits until the run is recorded as ended and the scheduler has
// let it go.
func (e *env) waitRun(t *testing.T, id string) *ent.SyncRun {
	t.Helper()
	n, err := strconv.Atoi(id)
	require.NoError(t, err)
	var run *ent.SyncRun
	require.Eventually(t, func() bool {
		run, err = e.db.Client.SyncRun.Get(context.Background(), n)
		_, running := e.sched.Running()
		return err == nil && run.Status != syncrun.StatusRUNNING && !running
	}, 20*time.Second, 10*time.Millisecond)
	return run
}

func TestSyncNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 30})

		t.Run("syncNow starts a manual run", func(t *testing.T) {
			run := e.syncNow(t)
			require.Equal(t, "MANUAL", run.Trigger)
			require.Equal(t, syncrun.StatusSUCCEEDED, e.waitRun(t, run.ID).Status)
		})

		t.Run("syncNow joins the run under way", func(t *testing.T) {
			e.sim.InjectFault(humaanssim.Fault{Route: "people", Kind: humaanssim.FaultLatency,
				Delay: 2 * time.Second, Times: 1})
			first := e.syncNow(t)
			require.Equal(t, "RUNNING", first.Status)
			var status struct {
				HumaansSync struct {
					CurrentRun *runData `json:"currentRun"`
				} `json:"humaansSync"`
			}
			e.query(t, `{ humaansSync { currentRun { id status } } }`, nil, &status)
			require.NotNil(t, status.HumaansSync.CurrentRun)
			require.Equal(t, first.ID, status.HumaansSync.CurrentRun.ID)
			second := e.syncNow(t)
			require.Equal(t, first.ID, second.ID, "the second call joins the run under way")
			require.Equal(t, syncrun.StatusSUCCEEDED, e.waitRun(t, first.ID).Status)
		})

		t.Run("humaansSync and syncRuns report the runs newest first", func(t *testing.T) {
			var out struct {
				HumaansSync struct {
					Status            string   `json:"status"`
					LastRun           *runData `json:"lastRun"`
					LastSuccessfulRun *runData `json:"lastSuccessfulRun"`
				} `json:"humaansSync"`
				SyncRuns struct {
					TotalCount  int       `json:"totalCount"`
					HasNextPage bool      `json:"hasNextPage"`
					EndCursor   string    `json:"endCursor"`
					Nodes       []runData `json:"nodes"`
				} `json:"syncRuns"`
			}
			e.query(t, `{ humaansSync { status lastRun { id } lastSuccessfulRun { id } }
				syncRuns(first: 2) { totalCount hasNextPage endCursor nodes { id status } } }`,
				nil, &out)
			total, err := db.Client.SyncRun.Query().Count(context.Background())
			require.NoError(t, err)
			require.Equal(t, "CONNECTED", out.HumaansSync.Status)
			require.Equal(t, total, out.SyncRuns.TotalCount)
			require.True(t, out.SyncRuns.HasNextPage)
			require.Equal(t, out.HumaansSync.LastRun.ID, out.SyncRuns.Nodes[0].ID)
			a, _ := strconv.Atoi(out.SyncRuns.Nodes[0].ID)
			b, _ := strconv.Atoi(out.SyncRuns.Nodes[1].ID)
			require.Greater(t, a, b)
			var next struct {
				SyncRuns struct {
					Nodes []runData `json:"nodes"`
				} `json:"syncRuns"`
			}
			e.query(t, `query($a: String) { syncRuns(first: 100, after: $a) { nodes { id } } }`,
				map[string]any{"a": out.SyncRuns.EndCursor}, &next)
			require.Len(t, next.SyncRuns.Nodes, total-2)
		})
	})
}

func TestSelectCustomFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 30})
		require.GreaterOrEqual(t, len(e.selected), 2)
		keep := e.selected[0]
		const mutation = `mutation($names: [String!]!) {
			selectCustomFields(names: $names) { id name selected } }`

		t.Run("exactly the named fields become selected", func(t *testing.T) {
			var out struct {
				Fields []struct {
					Name     string `json:"name"`
					Selected bool   `json:"selected"`
				} `json:"selectCustomFields"`
			}
			e.query(t, mutation, map[string]any{"names": []string{keep}}, &out)
			require.Len(t, out.Fields, len(e.selected))
			for _, f := range out.Fields {
				require.Equal(t, f.Name == keep, f.Selected, "field %s", f.Name)
			}
			var values struct {
				People struct {
					Edges []struct {
						Node struct {
							CustomFields []struct {
								Definition struct {
									Name string `json:"name"`
								} `json:"definition"`
							} `json:"customFields"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"people"`
			}
			e.query(t, `{ people(first: 100) { edges { node {
				customFields { definition { name } } } } } }`, nil, &values)
			for _, edge := range values.People.Edges {
				for _, v := range edge.Node.CustomFields {
					require.Equal(t, keep, v.Definition.Name)
				}
			}
		})

		t.Run("an unknown name is BAD_USER_INPUT and changes nothing", func(t *testing.T) {
			res := e.post(t, "", mutation, map[string]any{"names": []string{keep, "No such field"}})
			require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
			var out struct {
				Fields []struct {
					Name     string `json:"name"`
					Selected bool   `json:"selected"`
				} `json:"customFields"`
			}
			e.query(t, `{ customFields { name selected } }`, nil, &out)
			for _, f := range out.Fields {
				require.Equal(t, f.Name == keep, f.Selected, "field %s", f.Name)
			}
		})
	})
}

// holdRun deletes a fifth of the company upstream and syncs, which the
// safety brake holds.
func (e *env) holdRun(t *testing.T) *ent.SyncRun {
	t.Helper()
	ctx := context.Background()
	people, err := e.db.Client.Person.Query().Where(person.DepartedAtIsNil()).
		Order(ent.Desc(person.FieldID)).All(ctx)
	require.NoError(t, err)
	for _, p := range people[:len(people)/5] {
		require.NoError(t, e.sim.Delete(p.ID))
	}
	run, err := e.engine.Run(ctx, syncrun.TriggerSCHEDULE)
	require.NoError(t, err)
	require.Equal(t, syncrun.StatusHELD, run.Status)
	return run
}

func TestHeldRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{people: 40})
		const approve = `mutation($id: ID!) { approveSync(id: $id) { id status departed } }`
		const discard = `mutation($id: ID!) { discardSync(id: $id) { id status } }`

		t.Run("a held run is listed, then discarded", func(t *testing.T) {
			before := countPeople(t, db, person.DepartedAtIsNil())
			held := e.holdRun(t)
			var status struct {
				HumaansSync struct {
					HeldRuns []runData `json:"heldRuns"`
				} `json:"humaansSync"`
			}
			e.query(t, `{ humaansSync { heldRuns { id status heldReason departed } } }`, nil,
				&status)
			require.Len(t, status.HumaansSync.HeldRuns, 1)
			require.Equal(t, fmt.Sprint(held.ID), status.HumaansSync.HeldRuns[0].ID)
			require.NotNil(t, status.HumaansSync.HeldRuns[0].HeldReason)
			var out struct {
				DiscardSync runData `json:"discardSync"`
			}
			e.query(t, discard, map[string]any{"id": held.ID}, &out)
			require.Equal(t, "DISCARDED", out.DiscardSync.Status)
			require.Equal(t, before, countPeople(t, db, person.DepartedAtIsNil()),
				"nothing was applied")
		})

		t.Run("a held run is approved and applied", func(t *testing.T) {
			held, err := e.engine.Run(context.Background(), syncrun.TriggerSCHEDULE)
			require.NoError(t, err)
			require.Equal(t, syncrun.StatusHELD, held.Status)
			var out struct {
				ApproveSync runData `json:"approveSync"`
			}
			e.query(t, approve, map[string]any{"id": held.ID}, &out)
			require.Equal(t, "APPROVED", out.ApproveSync.Status)
			require.Positive(t, out.ApproveSync.Departed)
			upstream := map[string]bool{}
			for _, p := range e.sim.People() {
				upstream[p.ID] = true
			}
			current, err := db.Client.Person.Query().Where(person.DepartedAtIsNil()).
				All(context.Background())
			require.NoError(t, err)
			for _, p := range current {
				require.True(t, upstream[p.ID], "deleted people departed")
			}
		})

		t.Run("unknown and settled runs are rejected", func(t *testing.T) {
			res := e.post(t, "", approve, map[string]any{"id": "999999"})
			require.Equal(t, []string{"NOT_FOUND"}, res.codes())
			res = e.post(t, "", discard, map[string]any{"id": "not-a-run"})
			require.Equal(t, []string{"NOT_FOUND"}, res.codes())
			last, err := db.Client.SyncRun.Query().Order(ent.Desc(syncrun.FieldID)).First(
				context.Background())
			require.NoError(t, err)
			res = e.post(t, "", discard, map[string]any{"id": last.ID})
			require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		})
	})
}
