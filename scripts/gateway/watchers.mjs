// A second test subgraph that adds watchers to tickets and knows people only by their
// `workEmail` key. Resolving anything else about a watcher, including its id, makes the
// gateway look the person up in peoplegraph by work email.
//
// Usage: node watchers.mjs [port]   (else WATCHERS_PORT, else 4003)
//
// The watchers come from TICKETS_PERSON_IDS and TICKETS_WATCHER_EMAILS (see fixtures.mjs). It
// listens on 127.0.0.1 only and prints "watchers subgraph ready at URL" once it accepts
// requests.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadTickets, serve } from './fixtures.mjs';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Ticket @key(fields: "id") {
    id: ID!
    "People who follow the ticket."
    watchers: [Person!]!
  }

  type Person @key(fields: "workEmail", resolvable: false) {
    workEmail: String
  }
`);

const tickets = loadTickets();

const resolvers = {
  Ticket: {
    __resolveReference: (ref) => tickets.find((t) => t.id === ref.id) ?? null,
    watchers: (t) => t.watcherEmails.map((workEmail) => ({ workEmail })),
  },
};

await serve('watchers', buildSubgraphSchema({ typeDefs, resolvers }), 'WATCHERS_PORT', 4003);
