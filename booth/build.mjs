// SPDX-License-Identifier: Apache-2.0
// Bundles the booth (src/, libsodium-wrappers-sumo from package-lock.json) with esbuild into the evoting
// app's static files: worker.js (the Web Worker that encrypts and signs), enrol.js (the Cabinet's
// e-voting application) and vote.js (the booth pages). Run by `make booth` after `npm ci`; the outputs are
// not committed (see .gitignore).
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "shailoo", "evoting", "static", "evoting", "booth");
const entries = ["worker", "enrol", "vote"].filter((name) => existsSync(join(here, "src", "pages", `${name}.js`)));

await build({
  entryPoints: Object.fromEntries(entries.map((name) => [name, join(here, "src", "pages", `${name}.js`)])),
  outdir: out,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "linked",
  // libsodium's loader names Node's modules on a branch the browser never takes.
  external: ["fs", "path", "crypto", "url", "module", "worker_threads"],
  logLevel: "warning",
});
console.log(`booth: ${entries.map((name) => `${name}.js`).join(", ")} in ${out}`);
