/**
 * The `mirage-switch` command line: where to listen, what to bridge, which origins may connect.
 *
 * @packageDocumentation
 */

import { parseArgs } from "node:util";
import { connectNetif } from "@mirage-ts/mirage-unix";
import { FrameSwitch, type FrameSwitchOptions } from "./frame-switch.js";

const USAGE = `Usage: mirage-switch [OPTIONS]

A learning Ethernet switch for browser unikernels (mirage configure -t browser): each WebSocket client
is a port, one binary message per frame. GET /stats on the same address answers its counters as JSON.

  --listen HOST:PORT       where to listen (default 127.0.0.1:8090; port 0: any free port)
  --bridge SPEC            bridge a host device in as a port: tap:NAME (a tap, needs CAP_NET_ADMIN) or
                           udp:LOCAL,REMOTE (a UDP frame tunnel), as mirage-unix's --interface
  --allow-origin ORIGIN    an origin whose pages may connect (repeatable; * for any). Default: pages
                           served from localhost, 127.0.0.1 or [::1]. Clients without an Origin are accepted.
  --max-frame-bytes N      longest frame accepted (default 1518); longer ones are dropped and counted
  --queue-bytes N          unsent bytes per WebSocket client before frames are dropped (default 1048576)
  --mac-table-size N       addresses remembered (default 4096)
  --help                   show this help
`;

/**
 * Where {@link runSwitch} writes.
 *
 * @beta
 */
export interface SwitchCommandIo {
  readonly out: (text: string) => void;
  /** Where warnings go (a page refused for its origin); `out` when absent. */
  readonly err?: (text: string) => void;
}

/** Distinct refused origins reported; past it, refusals are only counted (a page cannot flood the output). */
const REPORTED_ORIGINS = 32;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/u.test(text))
    throw new RangeError(`--${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):([0-9]{1,5})$/u.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65535)
    throw new RangeError(`--listen: expected HOST:PORT (for example 127.0.0.1:8090), got ${JSON.stringify(text)}`);
  return { host: match[1] ?? match[2] ?? "127.0.0.1", port };
}

/**
 * Runs `mirage-switch` with `argv` (without the program name): starts the switch, bridges the devices
 * asked for and prints where it listens; resolves to the switch, or `undefined` after `--help`.
 *
 * @throws Error with a message naming the bad option (for the caller to print), or the failure to bind.
 * @beta
 */
export async function runSwitch(argv: readonly string[], io: SwitchCommandIo): Promise<FrameSwitch | undefined> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      listen: { type: "string", default: "127.0.0.1:8090" },
      bridge: { type: "string", multiple: true, default: [] },
      "allow-origin": { type: "string", multiple: true },
      "max-frame-bytes": { type: "string" },
      "queue-bytes": { type: "string" },
      "mac-table-size": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(USAGE);
    return undefined;
  }
  const reported = new Set<string>();
  const warn = io.err ?? io.out;
  const options: FrameSwitchOptions = {
    ...listenAddress(values.listen),
    onRefusedOrigin: (origin) => {
      if (reported.has(origin) || reported.size >= REPORTED_ORIGINS) return;
      reported.add(origin);
      warn(
        `mirage-switch: refused a page from ${origin}, not an allowed origin: allow it with --allow-origin ${origin}\n`,
      );
    },
    ...(values["allow-origin"] === undefined ? {} : { allowOrigins: values["allow-origin"] }),
    ...(integer("max-frame-bytes", values["max-frame-bytes"]) === undefined
      ? {}
      : { maxFrameBytes: integer("max-frame-bytes", values["max-frame-bytes"])! }),
    ...(integer("queue-bytes", values["queue-bytes"]) === undefined
      ? {}
      : { queueBytes: integer("queue-bytes", values["queue-bytes"])! }),
    ...(integer("mac-table-size", values["mac-table-size"]) === undefined
      ? {}
      : { macTableSize: integer("mac-table-size", values["mac-table-size"])! }),
  };
  const frameSwitch = await FrameSwitch.listen(options);
  try {
    for (const spec of values.bridge) {
      frameSwitch.attach(spec, await connectNetif(spec));
      io.out(`mirage-switch bridged to ${spec}\n`);
    }
  } catch (error) {
    await frameSwitch.close();
    throw error;
  }
  io.out(`mirage-switch listening on ${frameSwitch.url}\n`);
  return frameSwitch;
}
