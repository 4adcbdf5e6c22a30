import { info, logSource, opt, registerArg, stringConv } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource("hello", "The hello-key unikernel");

// A run-time argument, registered when the module loads: `--hello=TEXT`.
const hello = registerArg(opt(stringConv, "Hello World!", info(["hello"], { doc: "How to say hello." })));

export const Hello = {
  async start(sleep: Sleep): Promise<void> {
    for (let i = 0; i < 4; i++) {
      log.info(hello());
      await sleep.sleepNs(1_000_000_000n);
    }
  },
};
