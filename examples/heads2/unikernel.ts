import { logSource } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource("heads2");

export const Heads = {
  // `heads <&> tails`: both tasks already run when they are joined.
  async start(sleep: Sleep): Promise<void> {
    const heads = sleep.sleepNs(1_000_000_000n).then(() => log.info("Heads"));
    const tails = sleep.sleepNs(2_000_000_000n).then(() => log.info("Tails"));
    await heads;
    await tails;
    log.info("Finished");
  },
};
