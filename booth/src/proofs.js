// SPDX-License-Identifier: Apache-2.0
// Non-interactive proofs of docs/protocol.md 3: Schnorr (3.1), Chaum–Pedersen (3.2) and the disjunctive
// range proof (3.3) whose 0/1 case proves each mark. Proofs are {c, v} / {c: [...], v: [...]} in hex.
import { equalBytes, int8, toHex } from "./bytes.js";
import { Hs } from "./hash.js";
import {
  GENERATOR, ZERO, add, addPoints, baseMul, mul, pointMul, publicCombination, scalarFromHex, scalarFromInt, sub, subPoints,
} from "./group.js";
import { randomScalar } from "./random.js";

export const MAX_BRANCHES = 256;

function times(base, s) {
  return equalBytes(base, GENERATOR) ? baseMul(s) : pointMul(s, base);
}

export function proveSchnorr(x, X, Q, lbl, rng) {
  const u = randomScalar(rng);
  const c = Hs("schnorr", Q, lbl, X, baseMul(u));
  return { c: toHex(c), v: toHex(add(u, mul(c, x))) };
}

export function verifySchnorr(proof, X, Q, lbl) {
  const c = scalarFromHex(proof.c);
  const A = publicCombination(scalarFromHex(proof.v), X, c);
  return equalBytes(Hs("schnorr", Q, lbl, X, A), c);
}

/** Returns {H1, H2, proof} with H1 = x·B1, H2 = x·B2. */
export function proveEqualLogs(x, B1, B2, Q, lbl, rng) {
  const H1 = times(B1, x);
  const H2 = times(B2, x);
  const u = randomScalar(rng);
  const c = Hs("chaum-pedersen", Q, lbl, B1, H1, B2, H2, times(B1, u), times(B2, u));
  return { H1, H2, proof: { c: toHex(c), v: toHex(add(u, mul(c, x))) } };
}

export function verifyEqualLogs(proof, B1, H1, B2, H2, Q, lbl) {
  const c = scalarFromHex(proof.c);
  const v = scalarFromHex(proof.v);
  const A1 = subPoints(times(B1, v), times(H1, c));
  const A2 = subPoints(times(B2, v), times(H2, c));
  return equalBytes(Hs("chaum-pedersen", Q, lbl, B1, H1, B2, H2, A1, A2), c);
}

/** Prove that ciphertext {pad, data} (points) = Enc(value; nonce) under K with lo <= value <= hi. Every
 * branch draws t_j then c'_j and does the same operations: A_j = t_j·G, B_j = t_j·K + (c_j·(j − m))·G, with
 * c_m = 0 until the hash is known (docs/protocol.md 3.3). `trace`, when given, receives each branch's
 * values (for the known-answer test). */
export function proveRange(ciphertext, value, nonce, K, lo, hi, Q, lbl, rng, trace) {
  if (!(lo <= value && value <= hi)) throw new Error(`value ${value} is outside ${lo}..${hi}`);
  if (hi - lo + 1 > MAX_BRANCHES) throw new Error("more than 256 branches");
  const commitments = [];
  const blinds = [];
  const challenges = [];
  for (let j = lo; j <= hi; j++) {
    const t = randomScalar(rng);
    const drawn = randomScalar(rng);
    // c_j = drawn for j != m, 0 for j = m, without a branch on m: multiply by the bit (j != m).
    const c = mul(drawn, scalarFromInt(Number(j !== value)));
    const A = baseMul(t);
    const B = addPoints(pointMul(t, K), baseMul(mul(c, scalarFromInt(j - value))));
    commitments.push(A, B);
    blinds.push(t);
    challenges.push(c);
    if (trace) trace.push({ j, t: toHex(t), c_drawn: toHex(drawn), A: toHex(A), B: toHex(B) });
  }
  const total = Hs("range", Q, lbl, int8(lo), int8(hi), K, ciphertext.pad, ciphertext.data, ...commitments);
  let others = ZERO;
  for (const c of challenges) others = add(others, c);
  challenges[value - lo] = sub(total, others);
  const responses = blinds.map((t, i) => add(t, mul(challenges[i], nonce)));
  return { c: challenges.map(toHex), v: responses.map(toHex) };
}

/** Whether the range proof holds (public values only). */
export function verifyRange(proof, ciphertext, K, lo, hi, Q, lbl) {
  const branches = hi - lo + 1;
  if (!(branches >= 1 && branches <= MAX_BRANCHES)) return false;
  if (!Array.isArray(proof.c) || !Array.isArray(proof.v) || proof.c.length !== branches || proof.v.length !== branches) {
    return false;
  }
  const commitments = [];
  let sum = ZERO;
  for (let i = 0; i < branches; i++) {
    const c = scalarFromHex(proof.c[i]);
    const v = scalarFromHex(proof.v[i]);
    sum = add(sum, c);
    commitments.push(publicCombination(v, ciphertext.pad, c));
    const shifted = subPoints(ciphertext.data, baseMul(scalarFromInt(lo + i)));
    commitments.push(subPoints(pointMul(v, K), pointMul(c, shifted)));
  }
  return equalBytes(sum, Hs("range", Q, lbl, int8(lo), int8(hi), K, ciphertext.pad, ciphertext.data, ...commitments));
}
