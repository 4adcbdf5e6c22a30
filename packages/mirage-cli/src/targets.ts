/**
 * The targets a unikernel can be configured for (`-t`), in one table. A target says which
 * platform package implements the devices, how the generated entry reads its command line,
 * writes its output and runs, and how `mirage build` type-checks and bundles it. Adding a target
 * is adding an entry here; a device a target lacks makes `configure` fail with a clear message.
 *
 * @packageDocumentation
 */

import type { Package } from "@mirage-ts/functoria";
import { browser } from "./browser-target.js";
import { platformBaseDevices, platformCode, platformPackages } from "./platform-code.js";

/**
 * Imports a value into the generated entry and returns the expression naming it.
 *
 * @public
 */
export type ImportValue = (module: string, name: string) => string;

/**
 * The code of the platform devices of a target. Each function receives the importer of the
 * generated file and returns a TypeScript expression (awaited by the entry).
 *
 * @public
 */
export interface PlatformDevices {
  /** The console (`Console`). */
  readonly console: (importValue: ImportValue) => string;
  /** Sleeping (`Sleep`). */
  readonly sleep: (importValue: ImportValue) => string;
  /** The monotonic clock (`MClock`). */
  readonly mclock: (importValue: ImportValue) => string;
  /** The wall clock (`PClock`). */
  readonly pclock: (importValue: ImportValue) => string;
  /** The random generator (`Random`). */
  readonly random: (importValue: ImportValue) => string;
  /** The timers of a TCP/IP stack (tcpip's `Clock`). */
  readonly timers: (importValue: ImportValue) => string;
  /** A block device backed by a file; `path` is a string literal. */
  readonly blockOfFile: (importValue: ImportValue, path: string) => string;
  /** An in-memory block device; `name` is a string literal. */
  readonly ramdisk: (importValue: ImportValue, name: string) => string;
  /** A read-only key-value store over a host directory; `dir` is a string literal. */
  readonly directKvRo: (importValue: ImportValue, dir: string) => string;
  /** A read-write key-value store over a host directory; `dir` is a string literal. */
  readonly directKvRw: (importValue: ImportValue, dir: string) => string;
  /** An empty in-memory read-write key-value store. */
  readonly kvRwMem: (importValue: ImportValue) => string;
  /**
   * A network interface; `spec` is an expression of the `--interface` value (empty on a target whose
   * {@link Target.networkInterface} is `false`).
   */
  readonly netif: (importValue: ImportValue, spec: string) => string;
  /**
   * The host's socket stack; `ipv4` is an expression of the `--ipv4` prefix to bind, `more` further
   * option properties (`, ipv6: ..., ipv4Only: ...`) as source text.
   */
  readonly socketStack: (importValue: ImportValue, ipv4: string, more?: string) => string;
  /** The host's name servers as a `string[]` expression (resolv.conf on unix); none if absent. */
  readonly hostNameservers?: (importValue: ImportValue) => string;
}

/**
 * A target platform.
 *
 * @public
 */
export interface Target {
  /** The `-t` value. */
  readonly name: string;
  /** What it is, for help. */
  readonly doc: string;
  /** Packages every unikernel for this target needs (the platform, the runtime, the tool). */
  readonly packages: readonly Package[];
  /** Code after the imports of the generated entry. */
  readonly prelude: (importValue: ImportValue) => string;
  /** The statement running the unikernel whose work is the promise `start`. */
  readonly run: (importValue: ImportValue, start: string) => string;
  /** An expression of the unikernel's command line (without the program name). */
  readonly argv: (importValue: ImportValue) => string;
  /** An expression of mirage-runtime's `Output` (standard output and error). */
  readonly output: (importValue: ImportValue) => string;
  /** An expression of a function writing one log line. */
  readonly logSink: (importValue: ImportValue) => string;
  /**
   * An expression of the exit statuses `--help` lists (mirage-runtime's `ExitStatus` list): the
   * codes the platform can return. The runtime's own list when absent.
   */
  readonly exitStatuses?: ((importValue: ImportValue) => string) | undefined;
  /**
   * How the user passes the run-time arguments, which the report of a bad one speaks of (mirage-runtime's
   * `ArgumentSyntax`): a command line when absent; a page's query string on the browser target (`Try '?help'`).
   */
  readonly argumentSyntax?: "command-line" | "query-string";
  /**
   * The `--interface` of a network device here. Absent: the one `netif(name)` registers, whose default is
   * `name` (`tap0` for `defaultNetwork`); `{ default }`: the same, with what `defaultNetwork` uses on this
   * target instead of `tap0`; `false`: the target decides (the simulation's one host), so no
   * `--interface` is registered and `--help` lists none.
   */
  readonly networkInterface?: { readonly default: string } | false;
  /** The platform devices it implements. */
  readonly devices: Partial<PlatformDevices>;
  /** The ambient type packages the generated entry is type-checked with (`types`). */
  readonly types: readonly string[];
  /**
   * Libraries added to the check's `lib` (`dom` for the web's globals, `TextEncoder`, `URL`…, where
   * no platform package brings Node's types).
   */
  readonly libs?: readonly string[];
  /**
   * Whether the unikernel runs in a Node.js process on the host's time, where devices built on Node's
   * own libraries (`node:http`'s llhttp) serve it; false or absent for a page, or for a simulation
   * whose virtual clock Node's timers would escape. The catalogue's `httpServer` picks its
   * implementation by it.
   */
  readonly nodeHost?: boolean;
  /** How esbuild bundles the entry. */
  readonly bundle: {
    readonly platform: "node" | "browser" | "neutral";
    readonly target: string;
    readonly banner: string;
  };
}

const UNIX = "@mirage-ts/mirage-unix";
const { call, value } = platformCode(UNIX);

/** The declaration of the few Node globals an entry uses (`more`: further members), and its output. */
const nodeProcess = (more: readonly string[] = []): string[] => [
  "declare const process: {",
  "  readonly argv: readonly string[];",
  ...more,
  "  readonly stdout: { write(text: string): unknown };",
  "  readonly stderr: { write(text: string): unknown };",
  "};",
  "",
  "const unixOutput = {",
  "  out: (text: string): void => void process.stdout.write(text),",
  "  err: (text: string): void => void process.stderr.write(text),",
  "};",
  "",
];

const unix: Target = {
  name: "unix",
  doc: "a Node.js process on the host (Linux, macOS)",
  packages: platformPackages(UNIX),
  // The entry declares the few Node globals it uses, so that it type-checks without Node's
  // type package (which would triple the time of the check).
  prelude: () => nodeProcess().join("\n"),
  run: (importValue, start) => `${importValue(UNIX, "Main")}.run(${start});`,
  argv: () => "process.argv.slice(2)",
  output: () => "unixOutput",
  /* biome-ignore lint/suspicious/noTemplateCurlyInString: generated code, whose template literal fills in `line` at
     run time. */
  logSink: () => "(line: string): void => void process.stderr.write(`${line}\\n`)",
  exitStatuses: value("unixExitStatuses"),
  devices: {
    ...platformBaseDevices(UNIX, "unix"),
    blockOfFile: (importValue, path) => call("connectFileBlock", path)(importValue),
    ramdisk: (importValue, name) => call("connectRamdisk", name)(importValue),
    directKvRo: (importValue, dir) => call("connectDirectoryKvRo", dir)(importValue),
    directKvRw: (importValue, dir) => call("connectDirectoryKvRw", dir)(importValue),
    kvRwMem: call("connectMemoryKvRw"),
    netif: (importValue, spec) => call("connectNetif", spec)(importValue),
    socketStack: (importValue, ipv4, more = "") => call("connectSocketStack", `{ ipv4: ${ipv4}${more} }`)(importValue),
    hostNameservers: call("hostNameservers"),
  },
  types: [],
  nodeHost: true,
  // CommonJS dependencies bundled into an ES module still call require(): give them one.
  bundle: {
    platform: "node",
    target: "node20",
    banner:
      'import { createRequire as __mirageRequire } from "node:module";\n' +
      "const require = __mirageRequire(import.meta.url);",
  },
};

const SIM = "@mirage-ts/mirage-sim";
const { call: simCall } = platformCode(SIM);

// The simulation platform: the unikernel runs on a virtual clock that jumps to the next event, every
// random draw from MIRAGE_SIM_SEED (default 1); the same seed gives the same output. Its network,
// block and key-value devices are those of a simulated host: alone in its world when the bundle runs
// with node, or a test's host when the test imports it (mirage-sim's SimHost.runBundle), which then
// also gives the run-time arguments and takes the log. Host directories (directKvRo) are not offered.
const sim: Target = {
  ...unix,
  name: "sim",
  nodeHost: false,
  doc: "a deterministic simulation on Node.js: virtual time, one seed (MIRAGE_SIM_SEED) for every random draw",
  packages: platformPackages(SIM),
  prelude: (importValue) =>
    [
      ...nodeProcess([
        "  readonly env: Readonly<Record<string, string | undefined>>;",
        "  exitCode: number | undefined;",
      ]),
      `${importValue(SIM, "startSimulation")}({`,
      // The text itself: mirage-sim reads it, and reports a value that is not a seed with the variable's name.
      '  seed: process.env["MIRAGE_SIM_SEED"],',
      /* biome-ignore lint/suspicious/noTemplateCurlyInString: generated code, whose template literal fills in `line`
         at run time. */
      "  print: (line: string): void => void process.stdout.write(`${line}\\n`),",
      "});",
      "",
    ].join("\n"),
  run: (importValue, start) =>
    `void ${importValue(SIM, "runSimulation")}(${start}, unixOutput.err).then((code) => {\n` +
    "  process.exitCode = code;\n});",
  argv: (importValue) => `${importValue(SIM, "simArgv")}(process.argv.slice(2))`,
  output: (importValue) => `${importValue(SIM, "simOutput")}(unixOutput)`,
  logSink: (importValue) => `${importValue(SIM, "simLogSink")}(${unix.logSink(importValue)})`,
  exitStatuses: (importValue) => importValue(SIM, "simExitStatuses"),
  // Node's web globals (TextEncoder, URL…): the unix target has them from Node's types, which
  // mirage-unix brings; the neutral mirage-sim brings none.
  libs: ["dom"],
  // The unikernel's network is its simulated host's port on the world's switch: nothing to choose.
  networkInterface: false,
  devices: {
    console: simCall("connectSimConsole"),
    sleep: simCall("simSleep"),
    mclock: simCall("simMClock"),
    pclock: simCall("simPClock"),
    random: simCall("simRandom"),
    timers: simCall("simClock"),
    netif: (importValue) => `${importValue(SIM, "simNetif")}()`,
    blockOfFile: (importValue, path) => `${importValue(SIM, "simBlock")}(${path})`,
    ramdisk: (importValue, name) => `${importValue(SIM, "simBlock")}(${name})`,
    directKvRw: (importValue, dir) => `${importValue(SIM, "simKvRw")}(${dir})`,
    kvRwMem: simCall("simKvRw"),
  },
};

/**
 * Every target, by `-t` name.
 *
 * @public
 */
export const targets: Readonly<Record<string, Target>> = { unix, sim, browser };

/**
 * The target named `name`.
 *
 * @throws `Error` when no target has that name.
 * @public
 */
export function findTarget(name: string): Target {
  const found = targets[name];
  if (found === undefined)
    throw new Error(`unknown target ${name}: the targets are ${Object.keys(targets).join(", ")}`);
  return found;
}

/**
 * The code of a platform device on a target.
 *
 * @param instead - what to do instead on a target that lacks the device (a key to give, another device).
 * @throws `Error` naming the device, the target, and the fix: `instead`, else the targets that have it.
 */
export function platformDevice<K extends keyof PlatformDevices>(
  t: Target,
  device: K,
  what: string,
  instead?: string,
): PlatformDevices[K] {
  const code = t.devices[device];
  if (code === undefined) {
    const having = Object.values(targets).filter((other) => other.devices[device] !== undefined);
    const fix = instead ?? `configure for ${having.map((other) => `-t ${other.name}`).join(" or ")}`;
    throw new Error(`${what} is not supported on the ${t.name} target: ${fix}`);
  }
  return code;
}
