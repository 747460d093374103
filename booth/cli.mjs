// SPDX-License-Identifier: Apache-2.0
// The booth's cryptography from the command line, for tests and for anyone who wants a second tool:
//   node booth/cli.mjs encrypt < {"manifest", "joint_public_key", "choices": {contest: [options]},
//                                 "seed" | "recovery_code"}   -> {"ballot", "opening", "cast", "tracking", "code"}
//   node booth/cli.mjs check-challenge < {"manifest", "joint_public_key", "ballot", "opening"}
//                                 -> {"choices", "tracking", "code"} or exit 1 with the reason
//   node booth/cli.mjs credential < {"seed"}                   -> {"public_key", "recovery_code"}
//   node booth/cli.mjs bench < {"manifest", "joint_public_key", "choices", "seed", "count"} -> {"wall", "cpu"} (ms)
// Randomness is the operating system's (libsodium's randombytes_buf).
import { readFileSync } from "node:fs";
import { ballot as B, bytes, credential, ready, random } from "./src/index.js";

await ready();
const command = process.argv[2];
const input = JSON.parse(readFileSync(0, "utf8") || "{}");
const { fromHex, toHex } = bytes;

function seedOf(data) {
  if (data.seed) return fromHex(data.seed, 32);
  if (data.recovery_code) return credential.seedFromRecoveryCode(data.recovery_code);
  return credential.newSeed(random.SYSTEM);
}

function output(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

if (command === "credential") {
  const seed = seedOf(input);
  output({ seed: toHex(seed), public_key: toHex(credential.credentialKey(seed).public), recovery_code: credential.recoveryCode(seed) });
} else if (command === "encrypt") {
  const Q = B.manifestHash(input.manifest);
  const K = fromHex(input.joint_public_key, 32);
  const choices = Object.fromEntries(Object.entries(input.choices).map(([c, m]) => [c, new Set(m)]));
  const { ballot, opening } = B.encryptBallot(input.manifest, Q, K, choices, random.SYSTEM);
  const key = credential.credentialKey(seedOf(input));
  const cast = B.castBallot(Q, ballot, key, random.SYSTEM);
  const tracking = B.trackingHash(Q, ballot);
  output({ ballot, opening, cast, tracking: toHex(tracking), code: B.displayCode(tracking) });
} else if (command === "check-challenge") {
  const Q = B.manifestHash(input.manifest);
  const K = fromHex(input.joint_public_key, 32);
  try {
    if (!B.verifyBallot(input.manifest, Q, K, input.ballot)) throw new Error("a proof of the ballot does not verify");
    const choices = B.verifyOpening(input.manifest, K, input.ballot, input.opening);
    const tracking = B.trackingHash(Q, input.ballot);
    output({ choices, tracking: toHex(tracking), code: B.displayCode(tracking) });
  } catch (error) {
    process.stderr.write(`INVALID: ${error.message}\n`);
    process.exit(1);
  }
} else if (command === "bench") {
  // {"manifest", "joint_public_key", "choices", "seed", "count"}: per ballot, encrypt + proofs + sign, wall and
  // CPU milliseconds of this process (the same code and WebAssembly as the browser's worker, in Node's V8).
  const K = fromHex(input.joint_public_key, 32);
  const choices = Object.fromEntries(Object.entries(input.choices).map(([c, m]) => [c, new Set(m)]));
  const key = credential.credentialKey(fromHex(input.seed, 32));
  const once = () => {
    const Q = B.manifestHash(input.manifest);
    const { ballot } = B.encryptBallot(input.manifest, Q, K, choices, random.SYSTEM);
    return B.castBallot(Q, ballot, key, random.SYSTEM);
  };
  once();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < (input.count ?? 30); i++) {
    const started = performance.now();
    const used = process.cpuUsage();
    once();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - started);
    cpu.push((spent.user + spent.system) / 1000);
  }
  output({ wall, cpu });
} else {
  process.stderr.write("usage: node booth/cli.mjs encrypt|check-challenge|credential < input.json\n");
  process.exit(2);
}
