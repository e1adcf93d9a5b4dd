package hrsync_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/ent/schema"
	"github.com/peoplegraph/peoplegraph/internal/humaanssim"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

// problemsFixture is a small company with every data problem a sync
// reports: a reporting loop (a <-> b), a manager who does not exist, a
// person without a work email, two people sharing an address (the earlier
// created keeps it), an unknown location and an invalid time zone.
const problemsFixture = `{
  "companies": [{"id": "co1", "name": "Acme Ltd"}],
  "locations": [{"id": "loc1", "label": "London", "city": "London", "country": "GB",
                 "timezone": "Europe/London"}],
  "people": [
    {"id": "ceo", "firstName": "Cee", "lastName": "Oh", "email": "ceo@acme.test",
     "status": "active", "companyId": "co1", "locationId": "loc1",
     "employmentStartDate": "2020-01-01", "createdAt": "2020-01-01T00:00:00Z"},
    {"id": "a", "firstName": "Ann", "lastName": "Loop", "email": "ann@acme.test",
     "status": "active", "companyId": "co1", "createdAt": "2020-02-01T00:00:00Z"},
    {"id": "b", "firstName": "Bob", "lastName": "Loop", "email": "bob@acme.test",
     "status": "active", "companyId": "co1", "createdAt": "2020-02-01T00:00:00Z"},
    {"id": "c", "firstName": "Cat", "lastName": "Orphan", "email": "cat@acme.test",
     "status": "active", "companyId": "co1", "createdAt": "2020-03-01T00:00:00Z"},
    {"id": "d", "firstName": "Dan", "lastName": "Nomail", "email": "",
     "status": "active", "companyId": "co1", "createdAt": "2020-03-01T00:00:00Z"},
    {"id": "e1", "firstName": "Eve", "lastName": "First", "email": "Shared@Acme.test",
     "status": "active", "companyId": "co1", "createdAt": "2020-04-01T00:00:00Z"},
    {"id": "e2", "firstName": "Eve", "lastName": "Second", "email": "shared@acme.test",
     "status": "newHire", "companyId": "co1", "createdAt": "2020-05-01T00:00:00Z",
     "employmentStartDate": "2026-07-01"},
    {"id": "f", "firstName": "Fay", "lastName": "Lost", "email": "fay@acme.test",
     "status": "active", "companyId": "co1", "locationId": "nowhere",
     "timezone": "Mars/Olympus", "createdAt": "2020-06-01T00:00:00Z"}
  ],
  "jobRoles": [
    {"id": "r-ceo", "personId": "ceo", "jobTitle": "CEO", "effectiveDate": "2020-01-01"},
    {"id": "r-a", "personId": "a", "jobTitle": "Lead", "reportingTo": "b",
     "effectiveDate": "2020-02-01"},
    {"id": "r-b", "personId": "b", "jobTitle": "Lead", "reportingTo": "a",
     "effectiveDate": "2020-02-01"},
    {"id": "r-c", "personId": "c", "jobTitle": "Analyst", "reportingTo": "ghost",
     "effectiveDate": "2020-03-01"},
    {"id": "r-e1", "personId": "e1", "jobTitle": "Engineer", "reportingTo": "ceo",
     "effectiveDate": "2020-04-01"},
    {"id": "r-e2", "personId": "e2", "jobTitle": "Engineer", "reportingTo": "ceo",
     "effectiveDate": "2026-07-01"},
    {"id": "r-f", "personId": "f", "jobTitle": "Old title", "reportingTo": "ceo",
     "effectiveDate": "2020-06-01", "endDate": "2021-01-01"},
    {"id": "r-f2", "personId": "f", "jobTitle": "Designer", "reportingTo": "ceo",
     "effectiveDate": "2021-01-02"},
    {"id": "r-f3", "personId": "f", "jobTitle": "Future title", "reportingTo": "ceo",
     "effectiveDate": "2027-01-01"}
  ]
}`

func TestDataProblemsAreReported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, humaanssim.Options{Fixture: writeFixture(t, problemsFixture)})
		run := e.sync(t)

		kinds := map[string][]string{}
		for _, p := range run.Problems {
			kinds[p.Kind] = append(kinds[p.Kind], p.PersonID)
			require.NotEmpty(t, p.Message)
		}
		require.ElementsMatch(t, []string{"a", "b"}, kinds[schema.ProblemReportingLoop])
		require.Equal(t, []string{"c"}, kinds[schema.ProblemUnknownManager])
		require.Equal(t, []string{"d"}, kinds[schema.ProblemNoWorkEmail])
		require.Equal(t, []string{"e2"}, kinds[schema.ProblemDuplicateEmail])
		require.Equal(t, []string{"f"}, kinds[schema.ProblemUnknownLocation])
		require.Equal(t, []string{"f"}, kinds[schema.ProblemInvalidTimezone])
		require.Equal(t, 2, run.Skipped, "no email and the duplicate")

		require.Equal(t, map[string]string{
			"ceo": "ceo@acme.test", "a": "ann@acme.test", "b": "bob@acme.test",
			"c": "cat@acme.test", "e1": "shared@acme.test", "f": "fay@acme.test",
		}, current(t, db))
		for _, id := range []string{"a", "b", "c"} {
			require.Nil(t, personByID(t, db, id).ManagerID, "%s has no stored manager", id)
		}
		f := personByID(t, db, "f")
		require.Equal(t, "Designer", *f.JobTitle, "the current role, not the ended or future one")
		require.Equal(t, "ceo", *f.ManagerID)
		require.Nil(t, f.LocationID)
		require.Nil(t, f.Timezone)
		ceo := personByID(t, db, "ceo")
		require.Equal(t, "loc1", *ceo.LocationID)
		require.Equal(t, "co1", *ceo.LegalEntityID)

		again := e.sync(t)
		require.Len(t, again.Problems, len(run.Problems), "problems are reported on every run")
		require.Empty(t, eventsOf(t, db, again))
	})
}

func TestDuplicateEmailKeepsThePersonAlreadyStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, humaanssim.Options{People: 40, Seed: 6})
		e.sync(t)
		holder := pick(t, db, func(p *ent.Person) bool { return p.Status == person.StatusACTIVE })
		id, err := e.sim.Hire(humaanssim.NewPerson{FirstName: "Copy", LastName: "Cat",
			Email: strings.ToUpper(*holder.WorkEmail)})
		require.NoError(t, err)

		run := e.sync(t)
		require.Zero(t, run.Added)
		var dups []schema.Problem
		for _, p := range run.Problems {
			if p.Kind == schema.ProblemDuplicateEmail {
				dups = append(dups, p)
			}
		}
		require.Len(t, dups, 1)
		require.Equal(t, id, dups[0].PersonID)
		require.Equal(t, *holder.WorkEmail, dups[0].Email)
		require.Equal(t, *holder.WorkEmail, current(t, db)[holder.ID])
		_, err = db.Client.Person.Get(context.Background(), id)
		require.True(t, ent.IsNotFound(err), "the newcomer is not stored")
	})
}
