package hrsync_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

func TestPeopleDeletedWhilePagingDepartOnceTheListingIsReadAgain(t *testing.T) {
	db := storetest.Open(t)
	e := newEnv(t, db, humaanssim.Options{People: 300, Seed: 8})
	e.sync(t)
	// After the first page, five people at the front are deleted, so later
	// offset pages skip rows; the client must notice and read again.
	e.sim.InjectFault(humaanssim.Fault{Route: "people", Kind: humaanssim.FaultShiftRecords,
		Shift: -5, Times: 1})
	run := e.sync(t)
	require.Equal(t, 5, run.Departed)
	require.Equal(t, eligible(e.sim.People()), current(t, db))
}
