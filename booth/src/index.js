// SPDX-License-Identifier: Apache-2.0
// The booth's cryptography, protocol v2 (docs/protocol.md), one module per part.
export { ready } from "./sodium.js";
export * as bytes from "./bytes.js";
export * as jcs from "./jcs.js";
export * as hash from "./hash.js";
export * as group from "./group.js";
export * as random from "./random.js";
export * as proofs from "./proofs.js";
export * as signature from "./signature.js";
export * as elgamal from "./elgamal.js";
export * as credential from "./credential.js";
export * as ballot from "./ballot.js";
export * as receipt from "./receipt.js";
