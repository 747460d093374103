// SPDX-License-Identifier: Apache-2.0
// Builds the design system's stylesheet and copies GOV.UK Frontend's script and the ALTCHA widget into the
// web app's static files.
// Run by `make frontend` after `npm ci`; the outputs are not committed (see .gitignore).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "shailoo", "web", "static", "web", "build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(here, "scss", "shailoo.scss"), {
  style: "compressed",
  loadPaths: [join(here, "node_modules")],
  importers: [new sass.NodePackageImporter(here)],
  quietDeps: true,
});
writeFileSync(join(out, "shailoo.css"), result.css);
copyFileSync(
  join(here, "node_modules", "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
  join(out, "govuk-frontend.min.js"),
);
// The ALTCHA widget (proof of work of the public check, docs/api.md) in its strict-CSP build: the script,
// its stylesheet, the SHA worker and the Russian strings, loaded by web/altcha.mjs.
const altcha = join(here, "node_modules", "altcha", "dist");
mkdirSync(join(out, "altcha"), { recursive: true });
for (const [from, to] of [
  ["external/altcha.min.js", "altcha.min.js"],
  ["external/altcha.css", "altcha.css"],
  ["workers/sha.js", "sha-worker.js"],
  ["i18n/ru.js", "ru.js"],
]) {
  copyFileSync(join(altcha, from), join(out, "altcha", to));
}
console.log(`frontend: ${join(out, "shailoo.css")} (${result.css.length} bytes)`);
