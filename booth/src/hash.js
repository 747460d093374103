// SPDX-License-Identifier: Apache-2.0
// H(tag, p1, ..., pn) = SHA-512(len(T) ‖ T ‖ len(p1) ‖ p1 ‖ ...), T = "shailoo/v2/" ‖ tag; Hs = H mod l;
// labels as length-prefixed texts (docs/protocol.md 2).
import { na } from "./sodium.js";
import { concat, u32, utf8 } from "./bytes.js";

const DOMAIN = "shailoo/v2/";

export function H(tag, ...parts) {
  const chunks = [];
  for (const part of [utf8(DOMAIN + tag), ...parts]) {
    if (!(part instanceof Uint8Array)) throw new Error(`hash part of ${tag} is not bytes`);
    chunks.push(u32(part.length), part);
  }
  return na.crypto_hash_sha512(concat(...chunks));
}

/** Hs(tag, ...) = int_le(H(tag, ...)) mod l, as a 32-byte scalar. */
export function Hs(tag, ...parts) {
  return na.crypto_core_ristretto255_scalar_reduce(H(tag, ...parts));
}

/** A label: texts, each with its 4-byte length, concatenated (one hash part). */
export function label(...texts) {
  return concat(...texts.flatMap((text) => {
    const bytes = utf8(text);
    return [u32(bytes.length), bytes];
  }));
}
