// Runs the graphql-http reference audit (GraphQL over HTTP) against a live server and prints
// one JSON document: {results: [{id, name, level, status, reason?, responseStatus?, body?}]}.
//
//   node audit.mjs http://127.0.0.1:8000/graphql
//
// AUDIT_AUTHORIZATION (optional) is sent as the Authorization header of every audit request:
// the gateway answers 401 to anyone without credentials. The audits build their own headers,
// so a custom fetchFn adds it.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}
const authorization = process.env.AUDIT_AUTHORIZATION;

async function fetchWithCredentials(input, init = {}) {
  const headers = new Headers(init.headers);
  if (authorization) headers.set('authorization', authorization);
  return fetch(input, { ...init, headers });
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetchWithCredentials })) {
  const result = await audit.fn();
  const entry = {
    id: result.id,
    name: result.name,
    level: result.name.split(' ')[0],
    status: result.status,
  };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.responseStatus = result.response.status;
    // The body says why (our errors carry a message and a code); a failed audit may have read it.
    entry.body = await result.response.text().catch(() => '(body already read)');
  }
  results.push(entry);
}
console.log(JSON.stringify({ results }, null, 2));
