// SPDX-License-Identifier: Apache-2.0
// The page's side of the Web Worker: call(op, args) returns a Promise of the result.
let worker = null;
let next = 1;
const pending = new Map();

export function start(url) {
  worker = new Worker(url);
  worker.onmessage = ({ data }) => {
    const entry = pending.get(data.id);
    if (!entry) return;
    pending.delete(data.id);
    if (data.ok) entry.resolve(data.result);
    else entry.reject(new Error(data.error));
  };
  worker.onerror = (event) => {
    for (const entry of pending.values()) entry.reject(new Error(event.message || "worker failed"));
    pending.clear();
  };
}

export function call(op, args = {}) {
  if (!worker) return Promise.reject(new Error("worker not started"));
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...args, id, op });
  });
}
