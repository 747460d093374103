// SPDX-License-Identifier: Apache-2.0
// Ballots (docs/protocol.md 6, 7): the manifest hash Q, encryption with 0/1 and range proofs, the tracking
// hash and displayed code, the cast signature, the Benaloh opening and its check.
import { equalBytes, fromHex, toHex } from "./bytes.js";
import { canonical } from "./jcs.js";
import { H, label } from "./hash.js";
import { add, addPoints, isIdentity, mul, pointFromHex, pointMul, scalarFromHex, scalarFromInt, ZERO } from "./group.js";
import { encrypt } from "./elgamal.js";
import { proveRange, verifyRange } from "./proofs.js";
import { randomScalar } from "./random.js";
import { base32, groupLetters } from "./credential.js";
import { sign, verify } from "./signature.js";

export const BALLOT_ID_BYTES = 16;

/** Q = H("manifest", JCS(manifest.json)), 64 bytes. */
export function manifestHash(manifest) {
  return H("manifest", canonical(manifest));
}

export const selectionLabel = (ballotId, contestId, optionId) => label("selection", ballotId, contestId, optionId);
export const contestLabel = (ballotId, contestId) => label("contest", ballotId, contestId);

export function weight(contest, optionId) {
  return optionId === contest.against_all ? contest.max_marks : 1;
}

/** Whether the set of marked option ids is a valid choice in the contest (docs/protocol.md 6). */
export function allows(contest, marked) {
  const ids = new Set(contest.options.map((o) => o.option_id));
  if ([...marked].some((id) => !ids.has(id))) return false;
  if (contest.against_all !== null && marked.has(contest.against_all)) return marked.size === 1;
  return contest.min_marks <= marked.size && marked.size <= contest.max_marks;
}

const pointJson = (c) => ({ pad: toHex(c.pad), data: toHex(c.data) });
const pointsOf = (c) => ({ pad: pointFromHex(c.pad), data: pointFromHex(c.data) });

/** Encrypt `choices` ({contest_id: Set of option ids}) under the joint key K (32 bytes) for the manifest
 * whose hash is Q. Draws: ballot id (16 bytes); per contest, per option: r, then the 0/1 proof's
 * (t_0, c'_0, t_1, c'_1); then the contest proof's (t_j, c'_j), j = min..max. Returns {ballot, opening}
 * as JSON values (opening's nonces stay on the device unless the voter checks the ballot). */
export function encryptBallot(manifest, Q, K, choices, rng) {
  const ballotId = toHex(rng.bytes(BALLOT_ID_BYTES));
  const contests = [];
  const opened = [];
  for (const contest of manifest.contests) {
    const marked = choices[contest.contest_id] ?? new Set();
    if (!allows(contest, marked)) throw new Error(`the marks break the rules of contest ${contest.contest_id}`);
    const selections = [];
    const marks = [];
    let weightedNonce = ZERO;
    let weightedValue = 0;
    for (const { option_id: optionId } of contest.options) {
      const value = marked.has(optionId) ? 1 : 0;
      const nonce = randomScalar(rng);
      const ciphertext = encrypt(value, K, nonce);
      const proof = proveRange(ciphertext, value, nonce, K, 0, 1, Q, selectionLabel(ballotId, contest.contest_id, optionId), rng);
      selections.push({ option_id: optionId, ciphertext: pointJson(ciphertext), proof });
      marks.push({ option_id: optionId, value, nonce: toHex(nonce) });
      const w = weight(contest, optionId);
      weightedNonce = add(weightedNonce, mul(nonce, scalarFromInt(w)));
      weightedValue += w * value;
    }
    const total = encrypt(weightedValue, K, weightedNonce);
    const proof = proveRange(total, weightedValue, weightedNonce, K, contest.min_marks, contest.max_marks, Q,
      contestLabel(ballotId, contest.contest_id), rng);
    contests.push({ contest_id: contest.contest_id, selections, proof });
    opened.push({ contest_id: contest.contest_id, marks });
  }
  return { ballot: { ballot_id: ballotId, contests }, opening: { ballot_id: ballotId, contests: opened } };
}

/** Hb = H("ballot", Q, JCS(ballot)), 64 bytes. */
export function trackingHash(Q, ballot) {
  return H("ballot", Q, canonical(ballot));
}

/** The first 130 bits of Hb as 26 base32 letters in groups of four. */
export function displayCode(tracking) {
  return groupLetters(base32(tracking.slice(0, 17), 26));
}

/** {ballot, credential, signature}: the credential's signature, purpose "cast", on Q, Hb, A. */
export function castBallot(Q, ballot, key, rng) {
  const tracking = trackingHash(Q, ballot);
  const signature = sign(key, "cast", [Q, tracking, key.public], rng);
  return { ballot, credential: toHex(key.public), signature: toHex(signature) };
}

export function verifyCastSignature(Q, cast) {
  const credential = pointFromHex(cast.credential, { identity: false });
  return verify(credential, "cast", [Q, trackingHash(Q, cast.ballot), credential], fromHex(cast.signature, 64));
}

/** Whether the ballot has the manifest's shape and every proof holds. */
export function verifyBallot(manifest, Q, K, ballot) {
  try {
    if (ballot.contests.length !== manifest.contests.length) return false;
    for (const [i, contest] of manifest.contests.entries()) {
      const encrypted = ballot.contests[i];
      if (encrypted.contest_id !== contest.contest_id || encrypted.selections.length !== contest.options.length) return false;
      let sum = null;
      for (const [o, option] of contest.options.entries()) {
        const selection = encrypted.selections[o];
        if (selection.option_id !== option.option_id) return false;
        const ct = pointsOf(selection.ciphertext);
        if (!verifyRange(selection.proof, ct, K, 0, 1, Q, selectionLabel(ballot.ballot_id, contest.contest_id, option.option_id))) return false;
        const w = scalarFromInt(weight(contest, option.option_id));
        const term = { pad: scaled(ct.pad, w), data: scaled(ct.data, w) };
        sum = sum === null ? term : { pad: addPoints(sum.pad, term.pad), data: addPoints(sum.data, term.data) };
      }
      if (!verifyRange(encrypted.proof, sum, K, contest.min_marks, contest.max_marks, Q, contestLabel(ballot.ballot_id, contest.contest_id))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Check a Benaloh opening: every (value, nonce) re-encrypts to the ballot's ciphertext and the marks are
 * a valid choice. Returns {contest_id: [marked option ids]} or throws an Error saying what failed. */
export function verifyOpening(manifest, K, ballot, opening) {
  if (opening.ballot_id !== ballot.ballot_id) throw new Error("the opening is for another ballot");
  const choices = {};
  for (const [i, contest] of manifest.contests.entries()) {
    const encrypted = ballot.contests[i];
    const opened = opening.contests[i];
    if (!encrypted || !opened || encrypted.contest_id !== contest.contest_id || opened.contest_id !== contest.contest_id) {
      throw new Error(`contest ${contest.contest_id} is missing`);
    }
    const marked = new Set();
    for (const [o, option] of contest.options.entries()) {
      const mark = opened.marks[o];
      const selection = encrypted.selections[o];
      if (!mark || !selection || mark.option_id !== option.option_id || selection.option_id !== option.option_id) {
        throw new Error(`option ${option.option_id} of ${contest.contest_id} is missing`);
      }
      if (mark.value !== 0 && mark.value !== 1) throw new Error(`mark of ${option.option_id} is not 0 or 1`);
      const again = encrypt(mark.value, K, scalarFromHex(mark.nonce));
      const ct = pointsOf(selection.ciphertext);
      if (!equalBytes(again.pad, ct.pad) || !equalBytes(again.data, ct.data)) {
        throw new Error(`option ${option.option_id} of ${contest.contest_id} does not re-encrypt to its ciphertext`);
      }
      if (mark.value) marked.add(option.option_id);
    }
    if (!allows(contest, marked)) throw new Error(`the opened marks break the rules of ${contest.contest_id}`);
    choices[contest.contest_id] = [...marked];
  }
  return choices;
}

function scaled(point, w) {
  return isIdentity(point) ? point : pointMul(w, point);
}
