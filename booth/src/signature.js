// SPDX-License-Identifier: Apache-2.0
// Schnorr signatures over ristretto255 (docs/protocol.md 3.4): R ‖ s, hedged nonce
// r = Hs("signature-nonce", a, z, purpose, parts...), c = Hs("signature", A, R, purpose, parts...), s = r + c·a.
import { concat, equalBytes, utf8 } from "./bytes.js";
import { Hs } from "./hash.js";
import { add, baseMul, isIdentity, isPoint, isScalar, mul, publicCombination } from "./group.js";

/** A key pair from its secret scalar (never zero). */
export function signingKey(secret) {
  const pub = baseMul(secret);
  if (isIdentity(pub)) throw new Error("a signing key's secret is never zero");
  return { secret, public: pub };
}

export function sign(key, purpose, parts, rng, trace) {
  const z = rng.bytes(32);
  const r = Hs("signature-nonce", key.secret, z, utf8(purpose), ...parts);
  const R = baseMul(r);
  const c = Hs("signature", key.public, R, utf8(purpose), ...parts);
  if (trace) Object.assign(trace, { z, r, R, c });
  return concat(R, add(r, mul(c, key.secret)));
}

/** Whether `signature` (64 bytes) is `publicKey`'s signature on (purpose, parts). */
export function verify(publicKey, purpose, parts, signature) {
  if (signature.length !== 64 || !isPoint(publicKey) || isIdentity(publicKey)) return false;
  const R = signature.slice(0, 32);
  const s = signature.slice(32);
  if (!isScalar(s) || !isPoint(R)) return false;
  const c = Hs("signature", publicKey, R, utf8(purpose), ...parts);
  return equalBytes(publicCombination(s, publicKey, c), R);
}
