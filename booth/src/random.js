// SPDX-License-Identifier: Apache-2.0
// Where every nonce and secret comes from. In the booth: libsodium's randombytes_buf (the browser's
// crypto.getRandomValues). SeededRandomness replays docs/vectors/' stream and is for known-answer tests
// only: an object code must construct on purpose.
import { na } from "./sodium.js";
import { concat, int8, utf8 } from "./bytes.js";
import { scalarFromUniform } from "./group.js";

export const SYSTEM = {
  bytes(count) {
    return na.randombytes_buf(count);
  },
};

export class SeededRandomness {
  constructor(seed) {
    this.seed = typeof seed === "string" ? utf8(seed) : seed;
    if (!this.seed.length) throw new Error("a seeded stream needs a seed");
    this.counter = 0;
    this.buffer = new Uint8Array(0);
  }

  bytes(count) {
    while (this.buffer.length < count) {
      const block = na.crypto_hash_sha512(concat(utf8("shailoo/v2/vector-randomness"), this.seed, int8(this.counter)));
      this.buffer = concat(this.buffer, block);
      this.counter += 1;
    }
    const out = this.buffer.slice(0, count);
    this.buffer = this.buffer.slice(count);
    return out;
  }

  toString() {
    return "SeededRandomness - NOT RANDOM, for known-answer vectors only";
  }
}

export function randomScalar(rng) {
  return scalarFromUniform(rng.bytes(64));
}
