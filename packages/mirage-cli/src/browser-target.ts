/**
 * The `browser` target: the unikernel runs in a web page on `@mirage-ts/mirage-browser`. `mirage
 * build` writes `dist/index.html` and one bundle; the page's query string is the command line
 * (`?hello=Hi&l=debug`); the network is tcpip's direct stack over a WebSocket to `mirage-switch`
 * (`?interface=ws://127.0.0.1:8090`). Host-only devices (a block device on a file, a directory read
 * at run time, the host's socket stack) are not offered, so `configure` refuses them by name.
 *
 * @packageDocumentation
 */

import { platformBaseDevices, platformCode, platformPackages } from "./platform-code.js";
import type { Target } from "./targets.js";

const BROWSER = "@mirage-ts/mirage-browser";
const { call, value } = platformCode(BROWSER);

/**
 * The browser target's row of the target table.
 */
export const browser: Target = {
  name: "browser",
  doc:
    "a web page: dist/index.html and one bundle, run-time arguments from the query string, " +
    "the network through a WebSocket to mirage-switch",
  packages: platformPackages(BROWSER),
  prelude: () => "",
  run: (importValue, start) => `${importValue(BROWSER, "Main")}.run(${start});`,
  argv: call("queryArgv"),
  argumentSyntax: "query-string",
  // Where mirage-switch listens unless told otherwise: a page finds a switch started with no options.
  networkInterface: { default: "ws://127.0.0.1:8090" },
  output: call("browserOutput"),
  logSink: (importValue) => `(line: string): void => ${call("browserOutput")(importValue)}.err(\`\${line}\\n\`)`,
  exitStatuses: value("browserExitStatuses"),
  devices: {
    ...platformBaseDevices(BROWSER, "browser"),
    directKvRw: (importValue, dir) => call("connectIndexedDbKvRw", dir)(importValue),
    netif: (importValue, spec) => call("connectWebSocketNetif", spec)(importValue),
  },
  types: [],
  bundle: { platform: "browser", target: "es2022", banner: "" },
};
