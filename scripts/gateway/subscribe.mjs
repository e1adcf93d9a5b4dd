// A graphql-ws client for the end-to-end gateway test: it opens one subscription and reports
// what arrives on stdout, one line each, for the Go test to read.
//
// Usage: node subscribe.mjs URL   (URL such as ws://127.0.0.1:4000/graphql)
//
// The operation comes from the environment: SUBSCRIBE_QUERY is the document and
// SUBSCRIBE_VARIABLES, when set, a JSON object of variables. Output lines:
//
//   connected             the server acknowledged connection_init
//   next {JSON}           one execution result of the subscription
//   error {JSON}          the subscription or the socket failed; the process exits with 1
//   complete              the server ended the subscription; the process exits with 0
//
// The process runs until the server completes the subscription or it receives SIGTERM or
// SIGINT, on which it closes the socket and exits with 0.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2];
const query = process.env.SUBSCRIBE_QUERY;
if (!url || !query) {
  console.error('usage: SUBSCRIBE_QUERY=... [SUBSCRIBE_VARIABLES=...] node subscribe.mjs URL');
  process.exit(2);
}
const variables = JSON.parse(process.env.SUBSCRIBE_VARIABLES || '{}');

/**
 * report writes one output line; the process exits only after stdout has taken it.
 * @param {string} line
 * @param {number} [exitCode] exit with this status once the line is written
 */
function report(line, exitCode) {
  process.stdout.write(line + '\n', () => {
    if (exitCode !== undefined) {
      process.exit(exitCode);
    }
  });
}

/**
 * describe turns whatever graphql-ws reports as an error into something JSON can carry.
 * @param {unknown} err
 */
function describe(err) {
  if (err instanceof Error) {
    return { message: err.message };
  }
  if (err && typeof err === 'object' && 'code' in err && 'reason' in err) {
    return { message: `socket closed with ${err.code}: ${err.reason}` };
  }
  return err;
}

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  // A lost socket is a failure to report, not something to hide behind a reconnect.
  retryAttempts: 0,
  lazy: false,
  on: { connected: () => report('connected') },
});

client.subscribe(
  { query, variables },
  {
    next: (result) => report('next ' + JSON.stringify(result)),
    error: (err) => report('error ' + JSON.stringify(describe(err)), 1),
    complete: () => report('complete', 0),
  },
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    client.dispose();
    process.exit(0);
  });
}
