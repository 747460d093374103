// SPDX-License-Identifier: Apache-2.0
// Byte strings: hex (lowercase, exact length), UTF-8, concatenation, big-endian integers.

const encoder = new TextEncoder();

export function utf8(text) {
  if (typeof text !== "string" || !text.isWellFormed()) throw new Error("text must be a well-formed string");
  return encoder.encode(text);
}

export function toHex(bytes) {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Lowercase hex of exactly `length` bytes (when given) to bytes; anything else is refused. */
export function fromHex(text, length) {
  if (typeof text !== "string" || !/^([0-9a-f]{2})*$/.test(text)) throw new Error("not lowercase hexadecimal");
  if (length !== undefined && text.length !== 2 * length) throw new Error(`expected ${length} bytes of hex`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** 4-byte big-endian length. */
export function u32(n) {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/** int(n): 8 bytes big-endian, 0 <= n <= 2^53 - 1. */
export function int8(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`int(${n}) needs 0 <= n < 2^53`);
  const out = new Uint8Array(8);
  let value = BigInt(n);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(value & 255n);
    value >>= 8n;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
