// SPDX-License-Identifier: Apache-2.0
// The board's receipt (docs/protocol.md 8.3): the booth checks the board's signature and that the receipt
// names the ballot it just sent before telling the voter "your vote is cast".
import { equalBytes, fromHex, int8, toHex, utf8 } from "./bytes.js";
import { H } from "./hash.js";
import { verify } from "./signature.js";
import { displayCode } from "./ballot.js";

export function receiptParts(Q, receipt) {
  return [Q, utf8(receipt.type), fromHex(receipt.tracking, 64), int8(receipt.position), fromHex(receipt.head, 64),
    int8(receipt.time)];
}

/** Whether `receipt` is signed by the board key (32 bytes) for this manifest and names `tracking`
 * (64 bytes) with its displayed code. */
export function checkReceipt(Q, boardKey, receipt, tracking, type = "ballot") {
  try {
    return receipt.version === 2 && receipt.kind === "receipt" && receipt.type === type
      && receipt.manifest_hash === toHex(Q) && equalBytes(fromHex(receipt.tracking, 64), tracking)
      && receipt.code === displayCode(tracking)
      && verify(boardKey, "receipt", receiptParts(Q, receipt), fromHex(receipt.signature, 64));
  } catch {
    return false;
  }
}

/** head_p = H("board-entry", Q, head_{p-1}, int(p), type, int(time), parts...) (docs/protocol.md 8.2). */
export function entryHead(Q, previous, position, type, time, parts) {
  return H("board-entry", Q, previous, int8(position), utf8(type), int8(time), ...parts);
}

export function genesis(Q) {
  return H("board-genesis", Q);
}
