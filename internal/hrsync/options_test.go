package hrsync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent/customfielddefinition"
	"github.com/peoplegraph/peoplegraph/ent/syncrun"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestConfiguredCustomFieldsSyncFromTheFirstRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		probe := newEnv(t, storetest.Open(t), humaanssim.Options{People: 40, Seed: 6})
		probe.sync(t)
		def, err := probe.db.Client.CustomFieldDefinition.Query().First(ctx)
		require.NoError(t, err)

		e := newEnv(t, db, humaanssim.Options{People: 40, Seed: 6},
			hrsync.WithCustomFields([]string{" " + def.Name + " "}))
		e.sync(t)
		selected, err := db.Client.CustomFieldDefinition.Query().
			Where(customfielddefinition.Selected(true)).IDs(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{def.ID}, selected)
		n, err := db.Client.CustomFieldValue.Query().Count(ctx)
		require.NoError(t, err)
		require.Positive(t, n, "values of a configured field arrive with the first sync")

		// The operator's later choice stands: the configured name does not
		// select the field again.
		require.NoError(t, e.engine.SelectCustomFields(ctx, nil))
		e.sync(t)
		selected, err = db.Client.CustomFieldDefinition.Query().
			Where(customfielddefinition.Selected(true)).IDs(ctx)
		require.NoError(t, err)
		require.Empty(t, selected)
	})
}

func TestRunStartedIsToldTheRunID(t *testing.T) {
	var got []int
	e := newEnv(t, storetest.Open(t), humaanssim.Options{People: 10, Seed: 2},
		hrsync.WithRunStarted(func(_ context.Context, id int) { got = append(got, id) }))
	run, err := e.engine.Run(context.Background(), syncrun.TriggerMANUAL)
	require.NoError(t, err)
	require.Equal(t, []int{run.ID}, got)
}
