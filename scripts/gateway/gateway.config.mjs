// Hive Gateway configuration for the end-to-end federation test.
//
// The supergraph is composed locally at start-up (and re-composed on every poll) from the
// `_service { sdl }` of three running subgraphs, so all must answer before the gateway starts:
//
//   PEOPLEGRAPH_SUBGRAPH_URL  peoplegraph's GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql
//   TICKETS_SUBGRAPH_URL      the tickets subgraph (tickets.mjs), e.g. http://127.0.0.1:4002/
//   WATCHERS_SUBGRAPH_URL     the watchers subgraph (watchers.mjs), e.g. http://127.0.0.1:4003/
//
// Start it with the host pinned to loopback, since the CLI default is every interface:
//
//   node node_modules/.bin/hive-gateway supergraph -c gateway.config.mjs -h 127.0.0.1 -p 4000
import { defineConfig } from '@graphql-hive/gateway';

/**
 * required returns the environment variable name or stops with a clear message.
 * @param {string} name
 * @returns {string}
 */
function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set to the subgraph's URL`);
  }
  return value;
}

const peoplegraphURL = new URL(required('PEOPLEGRAPH_SUBGRAPH_URL'));

export const gatewayConfig = defineConfig({
  host: '127.0.0.1',
  supergraph: {
    type: 'dev',
    services: [
      { name: 'peoplegraph', url: peoplegraphURL.href },
      { name: 'tickets', url: required('TICKETS_SUBGRAPH_URL') },
      { name: 'watchers', url: required('WATCHERS_SUBGRAPH_URL') },
    ],
  },
  // Queries and mutations reach the subgraphs over HTTP; pass the client's bearer token on.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
  transportEntries: {
    // Hive Gateway subscribes upstream with GET and SSE by default, which gqlgen refuses.
    // peoplegraph serves graphql-transport-ws on its GraphQL path, so subscriptions go there,
    // carrying the credentials a websocket client sent in connection_init. An SSE client's
    // Authorization header is not forwarded upstream: the test runs peoplegraph without
    // authentication, and a header fallback is not written until it can be tested.
    peoplegraph: {
      options: {
        subscriptions: {
          kind: 'ws',
          location: peoplegraphURL.pathname,
          options: {
            connectionParams: {
              Authorization: '{context.connectionParams.Authorization}',
            },
          },
        },
      },
    },
  },
});
