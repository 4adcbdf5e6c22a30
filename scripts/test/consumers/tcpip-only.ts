// Consumer (b): a downstream tool installs only tcpip (with what it declares: mirage-types and
// mirage-runtime for logs) and runs two stacks exchanging UDP over the virtual switch.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Published, compile, installedMirage, makeProject, remove } from "./harness.js";

const udpOverVnetif =
  `
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { Ipv4Stack, SeededRandom, VirtualClock, VirtualSwitch } from "@mirage-ts/tcpip";

const clock = new VirtualClock();
const random = new SeededRandom(7);
const sw = new VirtualSwitch({ clock, random });
const host = (mac: string, cidr: string) =>
  Ipv4Stack.connect({ netif: sw.connect({ mac: Macaddr.parse(mac), link: { loss: 0.1 } }), ` +
  `clock, random, config: { cidr: Ipv4Prefix.parse(cidr) } });
const a = await host("02:00:00:00:00:0a", "10.0.0.1/24");
const b = await host("02:00:00:00:00:0b", "10.0.0.2/24");

const received: string[] = [];
b.udp.listen(9, (src, _dst, srcPort, payload) => {
  received.push(String.fromCharCode(...payload));
  void b.udp.write(src, srcPort, payload.slice());
});
const echoed: string[] = [];
a.udp.listen(4000, (_src, _dst, _port, payload) => void echoed.push(String.fromCharCode(...payload)));

// Drive virtual time: let promise chains run, then fire the next timer (ARP retries, delays).
const settle = async () => { for (let i = 0; i < 20; i++) await null; };
for (let i = 0; i < 20; i++) {
  const payload = Uint8Array.from("msg-" + i, (c) => c.charCodeAt(0));
  for (let attempt = 0; attempt < 10 && !echoed.includes("msg-" + i); attempt++) {
    void a.udp.write(Ipv4Addr.parse("10.0.0.2"), 9, payload, { srcPort: 4000 });
    for (let t = 0; t < 200 && !echoed.includes("msg-" + i); t++) { await settle(); if (!clock.step()) break; }
    await settle();
  }
}
const g = globalThis as unknown as { console: { log(s: string): void } };
g.console.log(JSON.stringify({ echoed: new Set(echoed).size, received: received.length > 0 }));
`;

/** The suite, on the packages `published()` gives once the registry is up. */
export function tcpipOnly(published: () => Published): void {
  describe("consumer (b): only tcpip and what it declares", () => {
    const projects: string[] = [];
    afterAll(() => projects.forEach(remove));

    it("runs two stacks exchanging UDP over vnetif with 10% loss", () => {
      // Only tcpip is asked for: mirage-types and mirage-runtime come as its dependencies.
      const project = makeProject(published(), ["tcpip"], { "src/main.ts": udpOverVnetif });
      projects.push(project);
      expect(installedMirage(project)).toEqual(["cmdliner", "mirage-runtime", "mirage-types", "tcpip"]);
      compile(project);
      const out = execFileSync(process.execPath, [join(project, "out", "main.js")], { encoding: "utf8" });
      expect(JSON.parse(out.trim())).toEqual({ echoed: 20, received: true });
    }, 180_000);
  });
}
