// DirectStacks on a virtual switch, and an echo server written against `Stack`, for tests.
import { Macaddr, type Stack } from "@mirage-ts/mirage-types";
import { DirectStack, type DirectStackOptions, type LinkImpairments } from "@mirage-ts/tcpip";
import { drive } from "../tcp/drive.js";
import type { Lab } from "./stacks.js";

/** A DirectStack on a new port of `l`'s switch. */
export async function stackOn(
  l: Lab,
  mac: string,
  options: Partial<DirectStackOptions>,
  link: LinkImpairments = {},
): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse(mac), link });
  return drive(l.clock, DirectStack.connect({ netif, clock: l.clock, random: l.random, ...options }));
}

/** An echo server on `server`, port 7, written against the `Stack` signature only. */
export function echoServer(server: Stack): void {
  server.tcp().listen(7, async (flow) => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value.kind === "eof") break;
      const w = await flow.write(r.value.data);
      if (!w.ok) break;
    }
    await flow.close();
  });
}
