import type { Template } from "./template.js";

/**
 * A unikernel that logs hello four times, a second apart (mirage-skeleton's tutorial/hello).
 *
 * @beta
 */
export const helloTemplate: Template = {
  name: "hello",
  summary: "logs hello four times, a second apart",
  packages: ["@mirage-ts/mirage-runtime", "@mirage-ts/mirage-types", "@mirage-ts/mirage-unix"],
  files: (name) => ({
    "config.ts": `import { defaultSleep, fn, job, main, register, sleep } from "@mirage-ts/mirage-cli";

// The unikernel's start function takes a Sleep device; defaultSleep is the target's.
const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });

register(${JSON.stringify(name)}, [hello.$(defaultSleep)]);
`,
    "unikernel.ts": `import { logSource } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource(${JSON.stringify(name)}, "The hello unikernel");

export const Hello = {
  async start(sleep: Sleep): Promise<void> {
    for (let i = 0; i < 4; i++) {
      log.info("hello");
      await sleep.sleepNs(1_000_000_000n);
    }
  },
};
`,
  }),
  firstConfigure: [],
  readme: () =>
    "It logs `hello` four times, a second apart, then exits. `unikernel.ts` is the program; `config.ts`\n" +
    "says which devices it gets (here the target's sleep).\n",
};
