// SPDX-License-Identifier: Apache-2.0
// The booth (evoting/booth/booth.html): the voter's key from this browser or a typed recovery code, the
// ballot marked, encrypted in the Web Worker, the tracking code shown BEFORE the choice, then either
// check (the opening revealed, the decrypted choices shown, the challenge sent) or cast (signed, sent, the
// board's receipt checked and offered). API: EVOTING-CONTRACT.md 4.
import { call, start } from "./client.js";
import { load, save } from "./store.js";

const root = document.querySelector("[data-booth]");
const text = root ? root.querySelector("template[data-messages]").dataset : {};
const state = { booth: null, seed: null, sealed: null };

const $ = (selector) => root.querySelector(selector);
const $$ = (selector) => [...root.querySelectorAll(selector)];

function status(message) {
  $("[data-status]").textContent = message || "";
}

function showError(message) {
  const box = $("[data-error]");
  $("[data-error-text]").textContent = message;
  box.hidden = false;
  box.focus();
}

function clearError() {
  $("[data-error]").hidden = true;
}

function show(step) {
  for (const section of $$("[data-step]")) section.hidden = section.dataset.step !== step;
  const heading = $(`[data-step=${step}] [tabindex="-1"]`);
  if (heading) heading.focus();
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

function download(link, name, value) {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
  link.href = URL.createObjectURL(blob);
  link.setAttribute("download", name);
  link.removeAttribute("role");
}

async function post(url, body) {
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  let response;
  try {
    response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    });
  } catch {
    throw new Error(text.network);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const messages = data?.error?.message ?? {};
    throw new Error(messages[root.dataset.language] || messages.en || `${response.status}`);
  }
  return data;
}

// --- the key ---------------------------------------------------------------------------------------------

async function useStoredKey() {
  const kept = load(root.dataset.election);
  if (!kept) return "none";
  const made = await call("credential", { seed: kept.seed });
  if (made.public_key !== root.dataset.credential) return "mismatch";
  state.seed = made.seed;
  return "ok";
}

function keyError(message) {
  const group = $("[data-key-group]");
  const error = $("#recovery-code-error");
  const field = $("#recovery-code");
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  field.classList.toggle("govuk-textarea--error", Boolean(message));
  error.hidden = !message;
  error.textContent = message || "";
  field.setAttribute("aria-describedby", message ? "recovery-code-hint recovery-code-error" : "recovery-code-hint");
  if (message) field.focus();
}

async function typedKey(event) {
  event.preventDefault();
  const code = $("#recovery-code").value;
  let made;
  try {
    made = await call("credential", { recovery_code: code });
  } catch (error) {
    keyError(error.message === "recovery-code.check" ? text.codeCheck : text.codeLength);
    return;
  }
  if (made.public_key !== root.dataset.credential) {
    keyError(text.keyMismatch);
    return;
  }
  keyError("");
  state.seed = made.seed;
  if ($("#remember-key").checked) save(root.dataset.election, { seed: made.seed, public_key: made.public_key });
  $("#recovery-code").value = "";
  show("mark");
}

// --- marking ---------------------------------------------------------------------------------------------

function contestError(group, message) {
  const error = group.querySelector(".govuk-error-message");
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  error.hidden = !message;
  error.textContent = message || "";
  const fieldset = group.querySelector("fieldset");
  const hint = fieldset.getAttribute("aria-describedby").split(" ")[0];
  fieldset.setAttribute("aria-describedby", message ? `${hint} ${error.id}` : hint);
}

function choices() {
  const result = {};
  let first = null;
  for (const group of $$("[data-contest]")) {
    const marked = [...group.querySelectorAll("input:checked")].map((input) => input.value);
    const against = group.dataset.against;
    let message = "";
    if (against && marked.includes(against) && marked.length > 1) message = text.againstAlone;
    else if (!marked.includes(against) && marked.length > Number(group.dataset.max)) {
      message = format(text.tooMany, { max: group.dataset.max });
    } else if (!marked.includes(against) && marked.length < Number(group.dataset.min)) {
      message = format(text.tooFew, { min: group.dataset.min });
    }
    contestError(group, message);
    if (message && !first) first = group;
    result[group.dataset.contest] = marked;
  }
  if (first) {
    first.querySelector("input").focus();
    return null;
  }
  return result;
}

async function encrypt(event) {
  event.preventDefault();
  clearError();
  const marked = choices();
  if (!marked) return;
  status(text.busyEncrypt);
  try {
    const sealed = await call("encrypt", {
      manifest: state.booth.manifest, joint_public_key: state.booth.joint_public_key, choices: marked,
    });
    state.sealed = sealed;
    $("[data-tracking-code]").textContent = sealed.code;
    status("");
    show("sealed");
  } catch (error) {
    status("");
    showError(error.message || text.failed);
  }
}

function again() {
  state.sealed = null;
  for (const input of $$("[data-ballot-form] input")) input.checked = false;
  clearError();
  status("");
  show("mark");
}

function nameOf(optionId) {
  const input = $$("[data-ballot-form] input").find((i) => i.value === optionId);
  return input ? input.labels[0].textContent.trim() : optionId;
}

// --- check -----------------------------------------------------------------------------------------------

async function check() {
  const sealed = state.sealed;
  if (!sealed) return;
  clearError();
  status(text.busyCheck);
  try {
    const opened = await call("open", {
      manifest: state.booth.manifest, joint_public_key: state.booth.joint_public_key,
      ballot: sealed.ballot, opening: sealed.opening,
    });
    const answer = await post(root.dataset.apiChallenge, { ballot: sealed.ballot, opening: sealed.opening });
    state.sealed = null;
    const list = $("[data-opened]");
    list.replaceChildren();
    for (const group of $$("[data-contest]")) {
      const row = document.createElement("div");
      row.className = "govuk-summary-list__row";
      const key = document.createElement("dt");
      key.className = "govuk-summary-list__key";
      key.textContent = group.querySelector("legend").textContent.trim();
      const value = document.createElement("dd");
      value.className = "govuk-summary-list__value";
      const names = (opened[group.dataset.contest] || []).map(nameOf);
      value.textContent = names.length ? names.join(", ") : "—";
      row.append(key, value);
      list.append(row);
    }
    download($("[data-challenge-download]"), `shailoo-checked-ballot-${sealed.code.slice(0, 9)}.json`, {
      manifest: state.booth.manifest, joint_public_key: state.booth.joint_public_key, ballot: sealed.ballot,
      opening: sealed.opening, receipt: answer.receipt,
    });
    status("");
    show("checked");
  } catch (error) {
    status("");
    showError(error.message || text.failed);
  }
}

// --- cast ------------------------------------------------------------------------------------------------

async function cast() {
  const sealed = state.sealed;
  if (!sealed) return;
  clearError();
  status(text.busyCast);
  try {
    const signed = await call("sign", { manifest: state.booth.manifest, ballot: sealed.ballot, seed: state.seed });
    const answer = await post(root.dataset.apiCast, signed);
    const good = await call("checkReceipt", {
      manifest: state.booth.manifest, board_key: state.booth.manifest.authorities.board, receipt: answer.receipt,
      tracking: sealed.tracking, type: "ballot",
    });
    state.sealed = null;
    if (!good) {
      status("");
      showError(text.receiptBad);
      return;
    }
    const receipt = answer.receipt;
    $("[data-cast-code]").textContent = receipt.code;
    // Digits only (browsers lack Kyrgyz month names): 30.11.2026, 14:05:09 in Bishkek.
    const time = new Intl.DateTimeFormat(root.dataset.language === "en" ? "en-GB" : "ru-RU", {
      timeZone: "Asia/Bishkek", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23",
    }).format(new Date(receipt.time));
    $("[data-cast-where]").textContent = format(root.querySelector("template[data-cast-where-text]").content.textContent.trim(),
      { position: receipt.position, time });
    download($("[data-receipt-download]"), `shailoo-receipt-${receipt.code.slice(0, 9)}.json`, receipt);
    $("[data-board-link]").href = `${root.dataset.boardUrl}?code=${encodeURIComponent(receipt.code)}`;
    status("");
    show("cast");
  } catch (error) {
    status("");
    showError(error.message || text.failed);
  }
}

// --- start -----------------------------------------------------------------------------------------------

async function main() {
  $("[data-without-script]")?.remove();
  try {
    start(root.dataset.worker);
    const response = await fetch(root.dataset.apiBooth, { credentials: "same-origin" });
    state.booth = await response.json();
    if (!response.ok) throw new Error(state.booth?.error?.message?.[root.dataset.language] || text.failed);
    $("[data-key-form]").addEventListener("submit", typedKey);
    $("[data-ballot-form]").addEventListener("submit", encrypt);
    $("[data-cast]").addEventListener("click", cast);
    $("[data-check]").addEventListener("click", check);
    for (const button of $$("[data-again]")) button.addEventListener("click", again);
    const stored = await useStoredKey();
    status(stored === "mismatch" ? text.storedMismatch : "");
    show(stored === "ok" ? "mark" : "key");
  } catch (error) {
    status("");
    showError(error.message || text.failed);
  }
}

if (root) main();
