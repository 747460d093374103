// SPDX-License-Identifier: Apache-2.0
// libsodium (WebAssembly): every group operation and every scalar operation of the booth goes through it.
import sodium from "libsodium-wrappers-sumo";

export let na = null;

/** Resolve once libsodium's WebAssembly module is instantiated; every other function needs it. */
export async function ready() {
  await sodium.ready;
  na = sodium;
  return sodium;
}
