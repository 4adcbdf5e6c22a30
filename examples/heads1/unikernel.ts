import { logSource } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource("heads1");

export const Heads = {
  // Lwt.join: wait for both tasks, each started as it is listed.
  async start(sleep: Sleep): Promise<void> {
    await Promise.all([
      sleep.sleepNs(1_000_000_000n).then(() => log.info("Heads")),
      sleep.sleepNs(2_000_000_000n).then(() => log.info("Tails")),
    ]);
    log.info("Finished");
  },
};
