import { logSource } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource("hello", "The hello unikernel");

export const Hello = {
  async start(sleep: Sleep): Promise<void> {
    for (let i = 0; i < 4; i++) {
      log.info("hello");
      await sleep.sleepNs(1_000_000_000n);
    }
  },
};
