// SPDX-License-Identifier: Apache-2.0
// Credentials (docs/protocol.md 5): a = Hs("credential", seed), A = a·G; the recovery code
// seed ‖ H("recovery-code", seed)[0:3] as 56 Crockford base32 letters in groups of four.
import { H, Hs } from "./hash.js";
import { concat, equalBytes } from "./bytes.js";
import { signingKey } from "./signature.js";

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const READ = new Map([...ALPHABET].map((c, i) => [c, i]).concat([["O", 0], ["I", 1], ["L", 1]]));
export const SEED_BYTES = 32;

/** The first `letters` 5-bit groups of `bytes`, most significant bit first. */
export function base32(bytes, letters) {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const bits = 8 * bytes.length;
  if (letters * 5 > bits + 4) throw new Error("not enough bits");
  const padded = 5 * letters > bits ? value << BigInt(5 * letters - bits) : value >> BigInt(bits - 5 * letters);
  let out = "";
  for (let i = 0; i < letters; i++) out += ALPHABET[Number((padded >> BigInt(5 * (letters - 1 - i))) & 31n)];
  return out;
}

export function groupLetters(text, size = 4) {
  return text.match(new RegExp(`.{1,${size}}`, "g")).join("-");
}

export function credentialKey(seed) {
  if (seed.length !== SEED_BYTES) throw new Error("a credential seed is 32 bytes");
  return signingKey(Hs("credential", seed));
}

export function newSeed(rng) {
  return rng.bytes(SEED_BYTES);
}

export function recoveryCode(seed) {
  return groupLetters(base32(concat(seed, H("recovery-code", seed).slice(0, 3)), 56));
}

export class RecoveryCodeError extends Error {}

/** The seed back from a typed code: case, spaces and hyphens ignored, O read as 0, I and L as 1. */
export function seedFromRecoveryCode(code) {
  const letters = [...code.toUpperCase()].filter((c) => !"- \t\n".includes(c));
  if (letters.length !== 56 || letters.some((c) => !READ.has(c))) {
    throw new RecoveryCodeError("length");
  }
  let value = 0n;
  for (const letter of letters) value = (value << 5n) | BigInt(READ.get(letter));
  const raw = new Uint8Array(35);
  for (let i = 34; i >= 0; i--) {
    raw[i] = Number(value & 255n);
    value >>= 8n;
  }
  const seed = raw.slice(0, 32);
  if (!equalBytes(H("recovery-code", seed).slice(0, 3), raw.slice(32))) throw new RecoveryCodeError("check");
  return seed;
}
