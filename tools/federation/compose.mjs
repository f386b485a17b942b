// Composes subgraphs into a supergraph with Apollo's composition library (what `rover` runs).
// stdin: [{"name": "...", "url": "...", "sdl": "..."}, ...]
// stdout: {"errors": [...], "hints": [...], "supergraphSdl": "..." | null}; exit 1 on errors.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const subgraphs = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const result = composeServices(
  subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
);
const errors = (result.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message }));
const hints = (result.hints ?? []).map((h) => ({ code: h.definition?.code, message: h.message }));
process.stdout.write(
  JSON.stringify({ errors, hints, supergraphSdl: result.supergraphSdl ?? null }),
);
process.exitCode = errors.length ? 1 : 0;
