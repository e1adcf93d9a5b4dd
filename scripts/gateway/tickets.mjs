// A small help-desk subgraph that federates with peoplegraph in the end-to-end gateway test.
//
// It owns tickets and refers to people only by their `id` key, so every Person field other
// than `tickets` has to come from peoplegraph: a query through the gateway that asks for
// names or managers forces `_entities` lookups there.
//
// Usage: node tickets.mjs [port]   (else TICKETS_PORT, else 4002)
//
// The tickets come from TICKETS_PERSON_IDS (see fixtures.mjs). It listens on 127.0.0.1 only
// and prints "tickets subgraph ready at URL" once it accepts requests.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadTickets, serve } from './fixtures.mjs';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "All tickets, oldest first."
    tickets: [Ticket!]!
    "One ticket by id, or null."
    ticket(id: ID!): Ticket
  }

  "A help-desk ticket."
  type Ticket @key(fields: "id") {
    id: ID!
    title: String!
    "Who asked for help."
    requester: Person!
    "Who is working on it, if anyone."
    assignee: Person
  }

  type Person @key(fields: "id") {
    id: ID!
    "Tickets this person requested, oldest first."
    tickets: [Ticket!]!
  }
`);

const tickets = loadTickets();
const ticketByID = (id) => tickets.find((t) => t.id === id) ?? null;

const resolvers = {
  Query: {
    tickets: () => tickets,
    ticket: (_, { id }) => ticketByID(id),
  },
  Ticket: {
    __resolveReference: (ref) => ticketByID(ref.id),
    requester: (t) => ({ id: t.requesterId }),
    assignee: (t) => (t.assigneeId === null ? null : { id: t.assigneeId }),
  },
  Person: {
    __resolveReference: (ref) => ({ id: ref.id }),
    tickets: (p) => tickets.filter((t) => t.requesterId === p.id),
  },
};

await serve('tickets', buildSubgraphSchema({ typeDefs, resolvers }), 'TICKETS_PORT', 4002);
