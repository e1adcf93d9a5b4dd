package gateway

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// person is the slice of a Person the test compares between peoplegraph and the gateway.
type person struct {
	ID          string  `json:"id"`
	DisplayName string  `json:"displayName"`
	WorkEmail   *string `json:"workEmail"`
	Manager     *struct {
		WorkEmail *string `json:"workEmail"`
	} `json:"manager"`
}

// personFields selects exactly the fields of person.
const personFields = `id displayName workEmail manager { workEmail }`

// ref is an object of which only the id is selected.
type ref struct {
	ID string `json:"id"`
}

// personWithTickets is a person as the gateway joins it with the tickets subgraph.
type personWithTickets struct {
	person
	Tickets []ref `json:"tickets"`
}

// ticket is a Ticket with its people resolved through the gateway.
type ticket struct {
	ID        string              `json:"id"`
	Title     string              `json:"title"`
	Requester personWithTickets   `json:"requester"`
	Assignee  *person             `json:"assignee"`
	Watchers  []personWithTickets `json:"watchers"`
}

// stack is the running set of processes and what the test derived from peoplegraph.
type stack struct {
	peoplegraphProc *process // the running peoplegraph, for its log and exit
	peoplegraph     string   // peoplegraph's GraphQL endpoint
	simulator       string   // the root URL of the Humaans simulator peoplegraph syncs from
	tickets         string   // the tickets subgraph's GraphQL endpoint
	gateway         string   // the gateway's GraphQL endpoint
	people          []person // as peoplegraph answers for them, in ticket order
	watchers        []person // the watcher of ticket i is watchers[i]
}

func TestGatewayFederatesPeoplegraph(t *testing.T) {
	if testing.Short() {
		t.Skip("starts peoplegraph, two Node subgraphs and Hive Gateway; skipped with -short")
	}
	requireNodeTooling(t)
	s := startStack(t)

	t.Run("tickets join people by id and by work email across subgraphs", func(t *testing.T) {
		var got struct {
			Tickets []ticket `json:"tickets"`
		}
		err := query(t.Context(), s.gateway, `{ tickets { id title
			requester { `+personFields+` tickets { id } }
			assignee { `+personFields+` }
			watchers { `+personFields+` tickets { id } } } }`, nil, &got)
		require.NoError(t, err)
		require.Equal(t, s.expectedTickets(), got.Tickets)
	})

	t.Run("a person from peoplegraph carries its tickets and their people", func(t *testing.T) {
		var got struct {
			Person *struct {
				person
				Tickets []struct {
					ID       string  `json:"id"`
					Assignee *person `json:"assignee"`
				} `json:"tickets"`
			} `json:"person"`
		}
		err := query(t.Context(), s.gateway, `query($id: ID!) { person(id: $id) {
			`+personFields+` tickets { id assignee { `+personFields+` } } } }`,
			map[string]any{"id": s.people[0].ID}, &got)
		require.NoError(t, err)
		require.NotNil(t, got.Person)
		require.Equal(t, s.people[0], got.Person.person)
		require.Len(t, got.Person.Tickets, 1)
		require.Equal(t, ticketID(0), got.Person.Tickets[0].ID)
		require.Equal(t, &s.people[1], got.Person.Tickets[0].Assignee)
	})

	t.Run("a person found by work email carries its tickets", func(t *testing.T) {
		last := s.people[len(s.people)-1]
		var got struct {
			PersonByEmail *personWithTickets `json:"personByEmail"`
		}
		err := query(t.Context(), s.gateway, `query($email: String!) {
			personByEmail(email: $email) { `+personFields+` tickets { id } } }`,
			map[string]any{"email": *last.WorkEmail}, &got)
		require.NoError(t, err)
		require.Equal(t, &personWithTickets{
			person:  last,
			Tickets: []ref{{ID: ticketID(len(s.people) - 1)}},
		}, got.PersonByEmail)
	})

	t.Run("a page of people gets tickets for exactly the ticketed people", func(t *testing.T) {
		var direct, joined struct {
			People struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						ID      string `json:"id"`
						Tickets []ref  `json:"tickets"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"people"`
		}
		const page = `query($first: Int) {
			people(first: $first) { totalCount edges { node { id } } } }`
		vars := map[string]any{"first": peoplePageToAsk}
		require.NoError(t, query(t.Context(), s.peoplegraph, page, vars, &direct))
		err := query(t.Context(), s.gateway, `query($first: Int) { people(first: $first) {
			totalCount edges { node { id tickets { id } } } } }`, vars, &joined)
		require.NoError(t, err)
		require.Equal(t, direct.People.TotalCount, joined.People.TotalCount)
		require.Len(t, joined.People.Edges, len(direct.People.Edges))
		ticketed := 0
		for i, edge := range joined.People.Edges {
			require.Equal(t, direct.People.Edges[i].Node.ID, edge.Node.ID)
			want := s.ticketsOf(edge.Node.ID)
			require.Equal(t, want, edge.Node.Tickets, "tickets of %s", edge.Node.ID)
			ticketed += len(edge.Node.Tickets)
		}
		require.Positive(t, ticketed, "the page holds none of the ticketed people")
	})
	// Last: these rename people, which the checks above compare as first synced.
	s.testSubscriptions(t)
}

// expectedTickets is what the tickets query must return: the fixed tickets with every
// person field as peoplegraph itself answers it.
func (s *stack) expectedTickets() []ticket {
	tickets := make([]ticket, len(s.people))
	for i, p := range s.people {
		tickets[i] = ticket{
			ID:        ticketID(i),
			Title:     fmt.Sprintf("Ticket %d: access request", i+1),
			Requester: personWithTickets{person: p, Tickets: []ref{{ID: ticketID(i)}}},
		}
		if i+1 < len(s.people) {
			tickets[i].Assignee = &s.people[i+1]
		}
		w := s.watchers[i]
		tickets[i].Watchers = []personWithTickets{{person: w, Tickets: s.ticketsOf(w.ID)}}
	}
	return tickets
}

// ticketsOf returns the tickets requested by the person with id.
func (s *stack) ticketsOf(id string) []ref {
	tickets := []ref{}
	for i, p := range s.people {
		if p.ID == id {
			tickets = append(tickets, ref{ID: ticketID(i)})
		}
	}
	return tickets
}

// ticketID is the id the tickets subgraph gives its i-th ticket.
func ticketID(i int) string {
	return "T-" + strconv.Itoa(i+1)
}
