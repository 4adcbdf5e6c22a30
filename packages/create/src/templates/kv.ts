import type { Template } from "./template.js";

/**
 * A unikernel that reads a file from a read-only key-value store made of `data/` (mirage-skeleton's
 * device-usage/kv_ro).
 *
 * @beta
 */
export const kvTemplate: Template = {
  name: "kv",
  summary: "reads data/greeting.txt from a read-only key-value store",
  packages: ["@mirage-ts/mirage-runtime", "@mirage-ts/mirage-types", "@mirage-ts/mirage-unix"],
  files: (name) => ({
    "config.ts": `import { fn, genericKvRo, job, kvRo, main, register } from "@mirage-ts/mirage-cli";

// The directory data/ becomes the store: crunched into the bundle (--kv_ro=crunch, the default) or
// read at run time (--kv_ro=direct).
const data = genericKvRo("data");

const app = main({ module: "./unikernel.js", name: "Main", type: fn(kvRo, job) });

register(${JSON.stringify(name)}, [app.$(data)]);
`,
    "unikernel.ts": `import { logSource } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, ppKvError } from "@mirage-ts/mirage-types";

const log = logSource(${JSON.stringify(name)}, "The key-value unikernel");

export const Main = {
  async start(kv: KvRo): Promise<void> {
    const greeting = await kv.get(Key.v("greeting.txt"));
    if (!greeting.ok) {
      log.warn(\`greeting.txt: \${ppKvError(greeting.error)}\`);
      return;
    }
    log.info(String.fromCharCode(...greeting.value).trim());
  },
};
`,
    "data/greeting.txt": "Hello from a read-only key-value store!\n",
  }),
  firstConfigure: [],
  readme: (_name, run) =>
    "It reads `greeting.txt` from a read-only key-value store made of the directory `data/` and logs it.\n" +
    `By default \`data/\` is embedded in the bundle when you build; \`${run("configure", ["--kv_ro=direct"])}\`\n` +
    "reads the directory at run time instead.\n",
};
