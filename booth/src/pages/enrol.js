// SPDX-License-Identifier: Apache-2.0
// The Cabinet's e-voting application (cabinet/_credential.html): the Web Worker draws the seed and derives
// the credential; the seed is kept in this browser's localStorage under the election's slug, the public key
// goes into the form (and so into the signed statement), the recovery code is shown on this page only:
// as text, as a file to download, and as a QR code drawn here (the `qr` package from package-lock.json)
// that a phone's camera reads, so that the voter can move the key to the phone. Nothing of it is sent.
import encodeQR from "qr";
import { call, start } from "./client.js";
import { forget, load, save } from "./store.js";

const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4; // modules of white around the code, as the QR standard asks

function groupsForDisplay(code) {
  return code.split("-").join(" ");
}

// The recovery code as it is written (letters, digits, hyphens: QR's alphanumeric mode), drawn as one SVG path
// of the dark modules on white; built with the DOM, so no markup is parsed and no style attribute is needed.
export function qrCode(text, label) {
  const matrix = encodeQR(text, "raw", { ecc: "medium", border: QUIET }); // the quiet zone included
  const side = matrix.length;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${side} ${side}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(side));
  background.setAttribute("height", String(side));
  background.setAttribute("fill", "#fff");
  const dark = [];
  matrix.forEach((row, y) => row.forEach((on, x) => {
    if (on) dark.push(`M${x} ${y}h1v1h-1z`);
  }));
  const modules = document.createElementNS(SVG, "path");
  modules.setAttribute("d", dark.join(""));
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  return svg;
}

async function main() {
  const root = document.querySelector("[data-credential]");
  if (!root) return;
  const slug = root.dataset.election;
  const input = root.querySelector("input[name=credential_public_key]");
  const status = root.querySelector("[data-credential-status]");
  const panel = root.querySelector("[data-credential-panel]");
  const form = root.closest("form");
  const submit = form.querySelector("button[type=submit]");
  root.querySelector("[data-without-script]")?.remove();
  status.hidden = false;
  submit.disabled = true;
  try {
    start(root.dataset.worker);
    // A form shown again after an error keeps the key it carried, if this browser holds its seed.
    const kept = load(slug);
    let made;
    if (kept && kept.pending && input.value && kept.public_key === input.value) {
      made = await call("credential", { seed: kept.seed });
    } else {
      made = await call("newCredential");
      save(slug, { seed: made.seed, public_key: made.public_key, pending: true });
    }
    input.value = made.public_key;
    root.querySelector("[data-recovery-code]").textContent = groupsForDisplay(made.recovery_code);
    const qr = root.querySelector("[data-recovery-qr]");
    qr?.replaceChildren(qrCode(made.recovery_code, qr.dataset.label));
    const file = new Blob([`${root.dataset.fileText}\n\n${made.recovery_code}\n`], { type: "text/plain;charset=utf-8" });
    const download = root.querySelector("[data-download]");
    download.href = URL.createObjectURL(file);
    download.setAttribute("download", root.dataset.fileName);
    download.removeAttribute("role");
    root.querySelector("[data-print]").addEventListener("click", () => window.print());
    status.hidden = true;
    panel.hidden = false;
    submit.disabled = false;
  } catch (error) {
    forget(slug, { onlyPending: true });
    status.textContent = root.dataset.failed;
    status.classList.add("govuk-error-message");
    console.error(error);
  }
}

main();
