import { logSource } from "@mirage-ts/mirage-runtime";
import type { Random, Sleep } from "@mirage-ts/mirage-types";

const log = logSource("timeout1");

/** A random integer below `bound` (randomconv's `int ~bound`). */
function randomInt(random: Random, bound: number): number {
  const bytes = random.generate(4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) % bound;
}

/** Waits `ms`, then looks at the task: its value if it is done, `undefined` if it is still running. */
async function timeout<T>(sleep: Sleep, ms: number, task: Promise<T>): Promise<T | undefined> {
  const state: { result?: T } = {};
  void task.then((value) => {
    state.result = value;
  });
  await sleep.sleepNs(BigInt(ms) * 1_000_000n);
  // A promise cannot be cancelled: a late task is left to finish unobserved.
  return state.result;
}

export const Timeout = {
  async start(random: Random, sleep: Sleep): Promise<void> {
    const task = sleep.sleepNs(BigInt(randomInt(random, 3000)) * 1_000_000n).then(() => "Heads");
    const result = await timeout(sleep, 2000, task);
    if (result === undefined) log.info("Cancelled");
    else log.info(`Returned ${JSON.stringify(result)}`);
  },
};
