// SPDX-License-Identifier: Apache-2.0
// The credential's seed in this browser: localStorage, one entry per election (key shailoo.credential.<slug>).
const PREFIX = "shailoo.credential.";

export function load(slug) {
  try {
    const raw = window.localStorage.getItem(PREFIX + slug);
    const value = raw ? JSON.parse(raw) : null;
    return value && /^[0-9a-f]{64}$/.test(value.seed) ? value : null;
  } catch {
    return null;
  }
}

export function save(slug, value) {
  try {
    window.localStorage.setItem(PREFIX + slug, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function forget(slug, { onlyPending = false } = {}) {
  const value = load(slug);
  if (!onlyPending || (value && value.pending)) window.localStorage.removeItem(PREFIX + slug);
}
