package hrsync_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// dumpDirectory renders everything a sync may write as JSON lines, one per
// row, for before/after comparisons (time values compare by their text).
func dumpDirectory(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(prefix string, v any) {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out = append(out, prefix+string(b))
	}
	people, err := db.Client.Person.Query().Order(ent.Asc(person.FieldID)).All(ctx)
	require.NoError(t, err)
	for _, p := range people {
		add("person ", p)
	}
	values, err := db.Client.CustomFieldValue.Query().Order(ent.Asc("id")).All(ctx)
	require.NoError(t, err)
	for _, v := range values {
		add("value ", v)
	}
	aliases, err := db.Client.EmailAlias.Query().Order(ent.Asc("id")).All(ctx)
	require.NoError(t, err)
	for _, a := range aliases {
		add("alias ", a)
	}
	events, err := db.Client.Event.Query().Count(ctx)
	require.NoError(t, err)
	add("events ", events)
	return out
}

func TestFaultsMidSyncLeaveTheDirectoryAsItWas(t *testing.T) {
	faults := map[string]humaanssim.Fault{
		"server errors on job roles": {Route: "job-roles", Kind: humaanssim.FaultServerError,
			Status: 503, After: 1},
		"a revoked token": {Route: "custom-values", Kind: humaanssim.FaultRevokeToken, After: 1},
		"a truncated people page": {Route: "people", Kind: humaanssim.FaultTruncateBody,
			After: 1},
		"records shifting between every read": {Route: "people",
			Kind: humaanssim.FaultShiftRecords, Shift: 3},
		"dropped connections": {Route: "locations", Kind: humaanssim.FaultDropConnection},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				// Every custom field syncs, so that custom values are read
				// (and must survive) too.
				e := newEnv(t, db, humaanssim.Options{People: 300, Seed: 8},
					hrsync.WithCustomFields([]string{"*"}))
				e.sync(t)
				// Make real upstream changes, so that a sync would write.
				today := civil.Today(e.sim.Now(), time.UTC)
				p := pick(t, db, func(p *ent.Person) bool { return p.Status == person.StatusACTIVE })
				require.NoError(t, e.sim.ChangeRole(p.ID, "Changed Title", "", "", today))
				_, err := e.sim.Hire(humaanssim.NewPerson{FirstName: "New", LastName: "Person",
					Email: "new.person@example.com", StartDate: today})
				require.NoError(t, err)
				before := dumpDirectory(t, db)
				require.True(t, slices.ContainsFunc(before, func(line string) bool {
					return strings.HasPrefix(line, "value ")
				}), "custom values are part of what must survive")

				e.sim.InjectFault(fault)
				run, err := e.engine.Run(ctx, syncrun.TriggerSCHEDULE)
				require.ErrorIs(t, err, hrsync.ErrFetch)
				require.Equal(t, syncrun.StatusFAILED, run.Status)
				require.NotNil(t, run.Error)
				require.NotContains(t, *run.Error, e.sim.Token())
				require.NotContains(t, err.Error(), e.sim.Token())
				require.NotNil(t, run.FinishedAt)
				require.Equal(t, before, dumpDirectory(t, db))
			})
		})
	}
}

func TestOneShiftWhilePagingIsReadAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, humaanssim.Options{People: 300, Seed: 8})
		e.sim.InjectFault(humaanssim.Fault{Route: "people",
			Kind: humaanssim.FaultShiftRecords, Shift: 3, Times: 1})
		e.sync(t)
		require.Equal(t, eligible(e.sim.People()), current(t, db))
	})
}
