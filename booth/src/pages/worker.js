// SPDX-License-Identifier: Apache-2.0
// The Web Worker that does the booth's cryptography off the page's thread: credential derivation,
// encryption with proofs, the cast signature, the check of an opening and of the board's receipt.
// Messages: {id, op, ...} in, {id, ok: true, result} or {id, ok: false, error} out.
import { ballot as B, bytes, credential, random, ready, receipt } from "../index.js";

const { fromHex, toHex } = bytes;
const setsOf = (choices) => Object.fromEntries(Object.entries(choices).map(([c, m]) => [c, new Set(m)]));

const operations = {
  /** A fresh credential: the seed (to store in this browser), A, and the recovery code. */
  newCredential() {
    const seed = credential.newSeed(random.SYSTEM);
    return { seed: toHex(seed), public_key: toHex(credential.credentialKey(seed).public), recovery_code: credential.recoveryCode(seed) };
  },
  /** A's hex from a stored seed or a typed recovery code (refused with "length" or "check"). */
  credential({ seed, recovery_code: code }) {
    const raw = seed ? fromHex(seed, 32) : credential.seedFromRecoveryCode(code);
    return { seed: toHex(raw), public_key: toHex(credential.credentialKey(raw).public), recovery_code: credential.recoveryCode(raw) };
  },
  encrypt({ manifest, joint_public_key: K, choices }) {
    const started = performance.now();
    const Q = B.manifestHash(manifest);
    const { ballot, opening } = B.encryptBallot(manifest, Q, fromHex(K, 32), setsOf(choices), random.SYSTEM);
    const tracking = B.trackingHash(Q, ballot);
    return { ballot, opening, tracking: toHex(tracking), code: B.displayCode(tracking), ms: performance.now() - started };
  },
  sign({ manifest, ballot, seed }) {
    const Q = B.manifestHash(manifest);
    return B.castBallot(Q, ballot, credential.credentialKey(fromHex(seed, 32)), random.SYSTEM);
  },
  /** Encrypt and sign in one go (the benchmark's figure: what a voter waits for in all). */
  encryptAndSign({ manifest, joint_public_key: K, choices, seed }) {
    const started = performance.now();
    const Q = B.manifestHash(manifest);
    const { ballot, opening } = B.encryptBallot(manifest, Q, fromHex(K, 32), setsOf(choices), random.SYSTEM);
    const cast = B.castBallot(Q, ballot, credential.credentialKey(fromHex(seed, 32)), random.SYSTEM);
    return { cast, opening, ms: performance.now() - started };
  },
  open({ manifest, joint_public_key: K, ballot, opening }) {
    return B.verifyOpening(manifest, fromHex(K, 32), ballot, opening);
  },
  checkReceipt({ manifest, board_key: boardKey, receipt: signed, tracking, type }) {
    return receipt.checkReceipt(B.manifestHash(manifest), fromHex(boardKey, 32), signed, fromHex(tracking, 64), type);
  },
};

const started = ready();
self.onmessage = async ({ data }) => {
  try {
    await started;
    const operation = operations[data.op];
    if (!operation) throw new Error(`unknown operation ${data.op}`);
    self.postMessage({ id: data.id, ok: true, result: operation(data) });
  } catch (error) {
    self.postMessage({ id: data.id, ok: false, error: error instanceof credential.RecoveryCodeError ? `recovery-code.${error.message}` : String(error.message ?? error) });
  }
};
