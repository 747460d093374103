// SPDX-License-Identifier: Apache-2.0
// RFC 8785 canonical JSON for the values a record holds (docs/protocol.md 2): objects, arrays, strings,
// integers within +-(2^53 - 1), true, false, null. Keys sorted by UTF-16 code units (JavaScript's own
// string order), no whitespace, strings escaped exactly as JSON.stringify does.
import { utf8 } from "./bytes.js";

function write(value, depth) {
  if (depth > 16) throw new Error("nesting deeper than 16");
  if (value === null || value === true || value === false) return String(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`number ${value} is not an integer within +-(2^53 - 1)`);
    return String(value);
  }
  if (typeof value === "string") {
    if (!value.isWellFormed()) throw new Error("a string holds a lone surrogate");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => write(item, depth + 1)).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${write(key, depth)}:${write(value[key], depth + 1)}`).join(",")}}`;
  }
  throw new Error(`${typeof value} has no canonical JSON form`);
}

/** The canonical text of `value`. */
export function canonicalText(value) {
  return write(value, 0);
}

/** The canonical UTF-8 bytes of `value` (what is hashed and signed). */
export function canonical(value) {
  return utf8(canonicalText(value));
}
