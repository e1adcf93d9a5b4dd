// The ticket data both test subgraphs derive from the environment, so that each process
// computes the same tickets without talking to the other.
//
//   TICKETS_PERSON_IDS     JSON list of peoplegraph person ids; ticket i is requested by id i
//                          and assigned to id i+1 (the last ticket has no assignee)
//   TICKETS_WATCHER_EMAILS JSON list of work emails; ticket i is watched by email i, when
//                          there is one
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * readList parses the environment variable name as a JSON list of non-empty strings; an
 * unset or empty variable is an empty list.
 * @param {string} name
 * @returns {string[]}
 */
export function readList(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return [];
  }
  const list = JSON.parse(raw);
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`${name} must be a JSON list of non-empty strings`);
  }
  return list;
}

/**
 * loadTickets derives the fixed ticket set from TICKETS_PERSON_IDS and TICKETS_WATCHER_EMAILS.
 */
export function loadTickets() {
  const ids = readList('TICKETS_PERSON_IDS');
  const emails = readList('TICKETS_WATCHER_EMAILS');
  return ids.map((id, i) => ({
    id: `T-${i + 1}`,
    title: `Ticket ${i + 1}: access request`,
    requesterId: id,
    assigneeId: i + 1 < ids.length ? ids[i + 1] : null,
    watcherEmails: i < emails.length ? [emails[i]] : [],
  }));
}

/**
 * serve starts schema on 127.0.0.1 at the port given as the first argument, else in the
 * environment variable portVar, else fallback; it prints "<name> subgraph ready at URL" once
 * requests are accepted and stops cleanly on SIGINT and SIGTERM.
 * @param {string} name
 * @param {import('graphql').GraphQLSchema} schema
 * @param {string} portVar
 * @param {number} fallback
 */
export async function serve(name, schema, portVar, fallback) {
  const raw = process.argv[2] ?? process.env[portVar] ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port ${JSON.stringify(raw)}`);
  }
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port } });
  console.log(`${name} subgraph ready at ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      server.stop().finally(() => process.exit(0));
    });
  }
}
