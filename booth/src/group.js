// SPDX-License-Identifier: Apache-2.0
// ristretto255 through libsodium: scalars (32 bytes little-endian, < l) and points (32-byte encodings).
// Multiplications by secrets use libsodium's constant-time crypto_scalarmult_ristretto255(_base), scalar
// arithmetic its crypto_core_ristretto255_scalar_*; nothing here branches on a secret value.
import { na } from "./sodium.js";
import { equalBytes, fromHex } from "./bytes.js";

export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const GENERATOR_HEX = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";
export const GENERATOR = fromHex(GENERATOR_HEX);
export const IDENTITY = new Uint8Array(32);
const ONE = scalarFromInt(1);

/** A small integer (|n| < 2^53) as a scalar mod l. */
export function scalarFromInt(n) {
  if (!Number.isSafeInteger(n)) throw new Error("not a safe integer");
  const out = new Uint8Array(32);
  let value = BigInt(n < 0 ? -n : n);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(value & 255n);
    value >>= 8n;
  }
  return n < 0 ? na.crypto_core_ristretto255_scalar_negate(out) : out;
}

/** A uniform scalar from 64 bytes (little-endian, reduced mod l). */
export function scalarFromUniform(bytes) {
  if (bytes.length !== 64) throw new Error("a uniform scalar is drawn from 64 bytes");
  return na.crypto_core_ristretto255_scalar_reduce(bytes);
}

export const add = (a, b) => na.crypto_core_ristretto255_scalar_add(a, b);
export const sub = (a, b) => na.crypto_core_ristretto255_scalar_sub(a, b);
export const mul = (a, b) => na.crypto_core_ristretto255_scalar_mul(a, b);
export const neg = (a) => na.crypto_core_ristretto255_scalar_negate(a);
export const ZERO = new Uint8Array(32);

/** Whether 32 bytes are a canonical scalar (value < l). */
export function isScalar(bytes) {
  if (bytes.length !== 32) return false;
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value < L;
}

export function scalarFromHex(text) {
  const bytes = fromHex(text, 32);
  if (!isScalar(bytes)) throw new Error("scalar is not below the group order");
  return bytes;
}

/** Whether 32 bytes are a valid ristretto255 encoding (RFC 9496 4.3.1); the identity is valid here. */
export function isPoint(bytes) {
  return bytes.length === 32 && na.crypto_core_ristretto255_is_valid_point(bytes);
}

export function isIdentity(point) {
  return equalBytes(point, IDENTITY);
}

export function pointFromHex(text, { identity = true } = {}) {
  const bytes = fromHex(text, 32);
  if (!isPoint(bytes)) throw new Error("not a ristretto255 point");
  if (!identity && isIdentity(bytes)) throw new Error("the identity is refused here");
  return bytes;
}

export const addPoints = (p, q) => na.crypto_core_ristretto255_add(p, q);
export const subPoints = (p, q) => na.crypto_core_ristretto255_sub(p, q);

/** s·G for any scalar s, the zero scalar included, with the same operations whatever s is: libsodium
 * refuses a product that is the identity, so this computes (s + 1)·G − G ((s + 1) = 0 has probability
 * 2^-252 for a secret s; it is then handled apart). */
export function baseMul(s) {
  const shifted = add(s, ONE);
  if (equalBytes(shifted, ZERO)) return subPoints(IDENTITY, GENERATOR);
  return subPoints(na.crypto_scalarmult_ristretto255_base(shifted), GENERATOR);
}

/** s·P (constant time in s); P is a non-identity point, s non-zero except with negligible probability. */
export function pointMul(s, point) {
  if (equalBytes(s, ZERO)) return IDENTITY;
  return na.crypto_scalarmult_ristretto255(s, point);
}

/** v·G − c·P, on public values only (verification). */
export function publicCombination(v, point, c) {
  return subPoints(baseMul(v), pointMul(c, point));
}
