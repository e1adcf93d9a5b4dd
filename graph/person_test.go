package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/internal/store"
	"github.com/peoplegraph/peoplegraph/internal/store/storetest"
)

type personData struct {
	ID          string  `json:"id"`
	DisplayName string  `json:"displayName"`
	WorkEmail   *string `json:"workEmail"`
	Status      string  `json:"status"`
	Manager     *struct {
		ID string `json:"id"`
	} `json:"manager"`
}

// someManaged returns a current person with a manager.
func someManaged(t *testing.T, db *store.DB) *ent.Person {
	t.Helper()
	p, err := db.Client.Person.Query().
		Where(person.ManagerIDNotNil(), person.DepartedAtIsNil(), person.WorkEmailNotNil()).
		Order(ent.Asc(person.FieldID)).First(context.Background())
	require.NoError(t, err)
	return p
}

func TestPersonLookups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, envOptions{})
		p := someManaged(t, db)
		const q = `query($id: ID!, $email: String!) {
			byID: person(id: $id) { id displayName workEmail status manager { id } }
			byEmail: personByEmail(email: $email) { id }
		}`

		t.Run("a person resolves by id and by email in any case", func(t *testing.T) {
			var out struct {
				ByID    *personData `json:"byID"`
				ByEmail *personData `json:"byEmail"`
			}
			e.query(t, q, map[string]any{"id": p.ID, "email": strings.ToUpper(*p.WorkEmail)}, &out)
			require.NotNil(t, out.ByID)
			require.Equal(t, p.ID, out.ByID.ID)
			require.Equal(t, *p.WorkEmail, *out.ByID.WorkEmail)
			require.Equal(t, string(p.Status), out.ByID.Status)
			require.Equal(t, *p.ManagerID, out.ByID.Manager.ID)
			require.NotEmpty(t, out.ByID.DisplayName)
			require.Equal(t, p.ID, out.ByEmail.ID)
		})

		t.Run("unknown ids and emails give null without an error", func(t *testing.T) {
			var out struct {
				ByID    *personData `json:"byID"`
				ByEmail *personData `json:"byEmail"`
			}
			e.query(t, q, map[string]any{"id": "nobody", "email": "nobody@example.com"}, &out)
			require.Nil(t, out.ByID)
			require.Nil(t, out.ByEmail)
		})

		t.Run("a malformed email is BAD_USER_INPUT", func(t *testing.T) {
			res := e.post(t, "", `{ personByEmail(email: "not an email") { id } }`, nil)
			require.Equal(t, []string{"BAD_USER_INPUT"}, res.codes())
		})
	})
}
