/**
 * The `browser` target: the unikernel runs in a web page on `@mirage-ts/mirage-browser`. `mirage
 * build` writes `dist/index.html` and one bundle; the page's query string is the command line
 * (`?hello=Hi&l=debug`); the network is tcpip's direct stack over a WebSocket to `mirage-switch`
 * (`?interface=ws://127.0.0.1:8090`). Host-only devices (a block device on a file, a directory read
 * at run time, the host's socket stack) are not offered, so `configure` refuses them by name.
 *
 * @packageDocumentation
 */

import { pkg } from "@mirage-ts/functoria";
import type { ImportValue, Target } from "./targets.js";
import { compatibleRange } from "./version.js";

const BROWSER = "@mirage-ts/mirage-browser";
const call =
  (name: string, ...args: readonly string[]) =>
  (importValue: ImportValue) =>
    `${importValue(BROWSER, name)}(${args.join(", ")})`;
const value = (name: string) => (importValue: ImportValue) => importValue(BROWSER, name);

/**
 * The browser target's row of the target table.
 */
export const browser: Target = {
  name: "browser",
  doc:
    "a web page: dist/index.html and one bundle, run-time arguments from the query string, " +
    "the network through a WebSocket to mirage-switch",
  packages: [
    pkg(BROWSER, { range: compatibleRange }),
    pkg("@mirage-ts/mirage-runtime", { range: compatibleRange }),
    pkg("@mirage-ts/mirage-types", { range: compatibleRange }),
    pkg("@mirage-ts/mirage-cli", { range: compatibleRange, build: true }),
  ],
  prelude: () => "",
  run: (importValue, start) => `${importValue(BROWSER, "Main")}.run(${start});`,
  argv: call("queryArgv"),
  output: call("browserOutput"),
  logSink: (importValue) => `(line: string): void => ${call("browserOutput")(importValue)}.err(\`\${line}\\n\`)`,
  exitStatuses: value("browserExitStatuses"),
  devices: {
    console: call("connectConsole"),
    sleep: value("browserSleep"),
    mclock: value("browserMClock"),
    pclock: value("browserPClock"),
    random: value("browserRandom"),
    timers: value("browserClock"),
    directKvRw: (importValue, dir) => call("connectIndexedDbKvRw", dir)(importValue),
    netif: (importValue, spec) => call("connectWebSocketNetif", spec)(importValue),
  },
  types: [],
  bundle: { platform: "browser", target: "es2022", banner: "" },
};
