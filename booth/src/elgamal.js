// SPDX-License-Identifier: Apache-2.0
// Exponential ElGamal under the joint key K: Enc(m; r) = (r·G, r·K + m·G).
import { addPoints, baseMul, pointMul, scalarFromInt } from "./group.js";

export function encrypt(value, K, nonce) {
  return { pad: baseMul(nonce), data: addPoints(pointMul(nonce, K), baseMul(scalarFromInt(value))) };
}
