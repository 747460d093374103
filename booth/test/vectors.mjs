// SPDX-License-Identifier: Apache-2.0
// Known-answer test: the booth's JavaScript reproduces docs/vectors/ byte for byte, consuming the same
// seeded streams in the order docs/protocol.md states. `node booth/test/vectors.mjs [VECTORS_DIR]`;
// exit 0 when every value matches, 1 with a line per mismatch.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ballot as B, bytes, credential, group, hash, jcs, proofs, random, ready, receipt, signature,
} from "../src/index.js";

await ready();
const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? join(here, "..", "..", "docs", "vectors");
const primitives = JSON.parse(readFileSync(join(dir, "primitives.json"), "utf8"));
const election = JSON.parse(readFileSync(join(dir, "election.json"), "utf8"));
const { fromHex, toHex, utf8 } = bytes;

let checked = 0;
const failures = [];
function same(what, got, want) {
  checked += 1;
  const a = typeof got === "string" ? got : JSON.stringify(got);
  const b = typeof want === "string" ? want : JSON.stringify(want);
  if (a !== b) failures.push(`${what}: got ${a.slice(0, 160)}, want ${b.slice(0, 160)}`);
}
function truth(what, value) {
  checked += 1;
  if (!value) failures.push(`${what}: false`);
}
const seeded = (name) => new random.SeededRandomness(name);

function signingKeyFrom(rng) {
  for (;;) {
    const secret = random.randomScalar(rng);
    if (!group.isIdentity(group.baseMul(secret))) return signature.signingKey(secret);
  }
}

// --- primitives.json -------------------------------------------------------------------------------
{
  const p = primitives;
  const stream = seeded(p.randomness.seed).bytes(96);
  same("randomness", toHex(stream), p.randomness.first_96_bytes);
  same("uniform scalar", toHex(group.scalarFromUniform(fromHex(p.uniform_scalar.bytes))), p.uniform_scalar.scalar);
  for (const h of p.hashes) {
    if (h.tag !== undefined) {
      const parts = h.parts.map((x) => fromHex(x));
      same(`H(${h.tag})`, toHex(hash.H(h.tag, ...parts)), h.H);
      same(`Hs(${h.tag})`, toHex(hash.Hs(h.tag, ...parts)), h.Hs);
    } else {
      const lbl = hash.label(...h.label_texts);
      same("label", toHex(lbl), h.label);
      same("H(schnorr, Q, label)", toHex(hash.H("schnorr", fromHex(primitives.schnorr_proof.Q), lbl)), h.H_schnorr_of_Q_and_label);
    }
  }
  same("JCS", jcs.canonicalText(p.jcs.value), p.jcs.canonical);

  const s = p.schnorr_proof;
  let rng = seeded(s.seed);
  const x = random.randomScalar(rng);
  const X = group.baseMul(x);
  same("schnorr x", toHex(x), s.x);
  same("schnorr X", toHex(X), s.X);
  const schnorr = proofs.proveSchnorr(x, X, fromHex(s.Q), fromHex(s.label), rng);
  same("schnorr proof", schnorr, s.proof);
  truth("schnorr verifies", proofs.verifySchnorr(s.proof, X, fromHex(s.Q), fromHex(s.label)));

  const cp = p.chaum_pedersen;
  rng = seeded(cp.seed);
  const cx = random.randomScalar(rng);
  const B2 = group.baseMul(random.randomScalar(rng));
  const made = proofs.proveEqualLogs(cx, group.GENERATOR, B2, fromHex(cp.Q), fromHex(cp.label), rng);
  same("chaum-pedersen x", toHex(cx), cp.x);
  same("chaum-pedersen B2", toHex(B2), cp.B2);
  same("chaum-pedersen H1", toHex(made.H1), cp.H1);
  same("chaum-pedersen H2", toHex(made.H2), cp.H2);
  same("chaum-pedersen proof", made.proof, cp.proof);
  truth("chaum-pedersen verifies", proofs.verifyEqualLogs(cp.proof, group.GENERATOR, made.H1, B2, made.H2, fromHex(cp.Q), fromHex(cp.label)));

  for (const r of p.range_proofs) {
    rng = seeded(r.seed);
    const secret = random.randomScalar(rng);
    const K = group.baseMul(secret);
    const nonce = random.randomScalar(rng);
    const { encrypt } = await import("../src/elgamal.js");
    const ct = encrypt(r.value, K, nonce);
    same(`${r.seed} K`, toHex(K), r.K);
    same(`${r.seed} nonce`, toHex(nonce), r.nonce);
    same(`${r.seed} ciphertext`, { pad: toHex(ct.pad), data: toHex(ct.data) }, r.ciphertext);
    const trace = [];
    const proof = proofs.proveRange(ct, r.value, nonce, K, r.lo, r.hi, fromHex(r.Q), fromHex(r.label), rng, trace);
    same(`${r.seed} branches`, trace, r.branches);
    let c = group.ZERO;
    for (const cj of proof.c) c = group.add(c, fromHex(cj));
    same(`${r.seed} c`, toHex(c), r.c);
    same(`${r.seed} proof`, proof, r.proof);
    truth(`${r.seed} verifies`, proofs.verifyRange(r.proof, ct, K, r.lo, r.hi, fromHex(r.Q), fromHex(r.label)));
    truth(`${r.seed} refuses another range`, !proofs.verifyRange(r.proof, ct, K, r.lo, r.hi + 1, fromHex(r.Q), fromHex(r.label)));
  }

  for (const sig of p.signatures) {
    rng = seeded(sig.seed);
    const key = signingKeyFrom(rng);
    same(`${sig.seed} secret`, toHex(key.secret), sig.secret);
    same(`${sig.seed} public`, toHex(key.public), sig.public);
    const trace = {};
    const parts = sig.parts.map((x) => fromHex(x));
    const signed = signature.sign(key, sig.purpose, parts, rng, trace);
    same(`${sig.seed} z`, toHex(trace.z), sig.z);
    same(`${sig.seed} r`, toHex(trace.r), sig.r);
    same(`${sig.seed} R`, toHex(trace.R), sig.R);
    same(`${sig.seed} c`, toHex(trace.c), sig.c);
    same(`${sig.seed} signature`, toHex(signed), sig.signature);
    truth(`${sig.seed} verifies`, signature.verify(key.public, sig.purpose, parts, signed));
    truth(`${sig.seed} refuses another purpose`, !signature.verify(key.public, `${sig.purpose}x`, parts, signed));
  }

  const cred = p.credential;
  const key = credential.credentialKey(fromHex(cred.seed));
  same("credential secret", toHex(key.secret), cred.secret);
  same("credential public", toHex(key.public), cred.public);
  same("recovery code", credential.recoveryCode(fromHex(cred.seed)), cred.recovery_code);
  same("recovery code read back", toHex(credential.seedFromRecoveryCode(cred.recovery_code.toLowerCase().replaceAll("0", "o").replaceAll("-", " "))), cred.seed);
  const typo = cred.recovery_code.replace(/^./, (c) => (c === "1" ? "2" : "1"));
  let refused = false;
  try { credential.seedFromRecoveryCode(typo); } catch (e) { refused = e instanceof credential.RecoveryCodeError; }
  truth("recovery code with a typo refused", refused);
  same("display code", B.displayCode(fromHex(p.display_code.tracking)), p.display_code.code);
}

// --- election.json (the voter's side: credentials, ballots, openings, tracking, cast, receipts, heads) --
{
  const e = election;
  same("manifest JCS", jcs.canonicalText(e.manifest), e.manifest_jcs);
  const Q = B.manifestHash(e.manifest);
  same("Q", toHex(Q), e.Q);
  const K = fromHex(e.ceremony.transcript.joint_public_key, 32);
  const boardKey = fromHex(e.manifest.authorities.board, 32);
  const keys = e.credentials.voter_seeds.map((name, v) => {
    const seed = credential.newSeed(seeded(name));
    const voter = e.credentials.voters[v];
    const key = credential.credentialKey(seed);
    same(`${name} seed`, toHex(seed), voter.seed);
    same(`${name} public`, toHex(key.public), voter.public);
    same(`${name} recovery code`, credential.recoveryCode(seed), voter.recovery_code);
    return key;
  });
  let head = receipt.genesis(Q);
  same("genesis", toHex(head), e.board.genesis);
  for (const s of e.board.submissions) {
    const rng = seeded(s.seed);
    const choices = Object.fromEntries(Object.entries(s.choices).map(([c, m]) => [c, new Set(m)]));
    const { ballot, opening } = B.encryptBallot(e.manifest, Q, K, choices, rng);
    same(`${s.seed} ballot`, jcs.canonicalText(ballot), jcs.canonicalText(s.ballot));
    same(`${s.seed} opening`, jcs.canonicalText(opening), jcs.canonicalText(s.opening));
    const tracking = B.trackingHash(Q, ballot);
    same(`${s.seed} tracking`, toHex(tracking), s.tracking);
    same(`${s.seed} code`, B.displayCode(tracking), s.code);
    truth(`${s.seed} ballot verifies`, B.verifyBallot(e.manifest, Q, K, s.ballot));
    same(`${s.seed} opening opens`, B.verifyOpening(e.manifest, K, s.ballot, s.opening), Object.fromEntries(
      Object.entries(s.choices).map(([c, m]) => [c, e.manifest.contests.find((x) => x.contest_id === c).options
        .map((o) => o.option_id).filter((o) => m.includes(o))])));
    let parts;
    if (s.type === "cast") {
      const cast = B.castBallot(Q, ballot, keys[s.voter], rng);
      same(`${s.seed} cast`, jcs.canonicalText(cast), jcs.canonicalText(s.cast));
      truth(`${s.seed} cast signature verifies`, B.verifyCastSignature(Q, s.cast));
      parts = [tracking, fromHex(cast.credential), fromHex(cast.signature)];
    } else {
      parts = [tracking, jcs.canonical(s.opening)];
    }
    head = receipt.entryHead(Q, head, s.entry.position, s.entry.type, s.entry.time, parts);
    same(`${s.seed} head`, toHex(head), s.head);
    truth(`${s.seed} receipt verifies`, receipt.checkReceipt(Q, boardKey, s.receipt, tracking, s.entry.type));
  }
  const first = e.board.submissions[0];
  const forged = { ...first.receipt, position: first.receipt.position + 1 };
  truth("receipt with another position refused", !receipt.checkReceipt(Q, boardKey, forged, fromHex(first.tracking)));
  const wrong = structuredClone(first.ballot);
  wrong.contests[0].selections[0].proof.v[0] = wrong.contests[0].selections[0].proof.v[1];
  truth("ballot with a bad proof refused", !B.verifyBallot(e.manifest, Q, K, wrong));
}

if (failures.length) {
  for (const line of failures) console.log(`MISMATCH ${line}`);
  console.log(`${failures.length} of ${checked} values differ from docs/vectors/`);
  process.exit(1);
}
console.log(`OK: ${checked} values reproduce docs/vectors/ byte for byte`);
