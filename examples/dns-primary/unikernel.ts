import {
  type Clock,
  DnsServer,
  DnsServerDevice,
  type NotifyTarget,
  type TsigKey,
  Zone,
  parseNameserver,
  parseTsigKey,
} from "@mirage-ts/dns";
import { info, intConv, listConv, logSource, makeConv, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, type PClock, type Random, type Stack, ppKvError } from "@mirage-ts/mirage-types";

const log = logSource("dns-primary", "The authoritative DNS server unikernel");

const port = registerArg(
  opt(intConv, 53, info(["port"], { docs: sections.dns, docv: "PORT", doc: "UDP and TCP port." })),
);
const tsigConv = makeConv<TsigKey | undefined>({
  docv: "KEY",
  parse: (text) => {
    const parsed = parseTsigKey(text);
    return parsed.ok ? parsed : { ok: false, error: parsed.error };
  },
  print: (key) => (key === undefined ? "none" : `hmac-sha256:${key.name}:…`),
});
const tsigKey = registerArg(
  opt(
    tsigConv,
    undefined,
    info(["tsig-key"], {
      docs: sections.dns,
      doc: "TSIG key [hmac-sha256:]NAME:BASE64 (as dig -y); with it, zone transfers need that key.",
    }),
  ),
);
const notifyConv = makeConv<NotifyTarget>({
  docv: "IP[:PORT]",
  parse: (text) => {
    const parsed = parseNameserver(text);
    return parsed.ok ? { ok: true, value: { address: parsed.value.address, port: parsed.value.port } } : parsed;
  },
  print: (target) => `${target.address.toString()}:${target.port}`,
});
const notify = registerArg(
  opt(listConv(notifyConv), [], info(["notify"], { docs: sections.dns, doc: "Secondaries sent a NOTIFY at start." })),
);
const rateLimit = registerArg(
  opt(
    intConv,
    200,
    info(["rrl"], {
      docs: sections.dns,
      docv: "N",
      doc: "UDP responses per second per /24 and answer (0: unlimited).",
    }),
  ),
);

const decoder = new TextDecoder();

/** Every `<origin>.zone` file of the store, parsed; a zone error stops the start with its file:line. */
async function loadZones(kv: KvRo): Promise<Zone[]> {
  const listed = await kv.list(Key.empty);
  if (!listed.ok) throw new Error(`zones: ${ppKvError(listed.error)}`);
  const zones: Zone[] = [];
  for (const [key] of listed.value) {
    const file = key.basename();
    if (!file.endsWith(".zone")) continue;
    const bytes = await kv.get(key);
    if (!bytes.ok) throw new Error(`zones: ${ppKvError(bytes.error)}`);
    const zone = Zone.parse(decoder.decode(bytes.value), file, file.slice(0, -".zone".length));
    if (!zone.ok) throw new Error(zone.error);
    zones.push(zone.value);
  }
  if (zones.length === 0) throw new Error("zones: no <origin>.zone file to serve");
  return zones;
}

export const Primary = {
  async start(stack: Stack, kv: KvRo, clock: Clock, random: Random, pclock: PClock): Promise<void> {
    const zones = await loadZones(kv);
    const key = tsigKey();
    const server = new DnsServer({
      zones,
      tsigKeys: key === undefined ? [] : [key],
      rateLimit: rateLimit() === 0 ? false : { responsesPerSecond: rateLimit() },
      wallClock: () => pclock.now().getTime(),
      now: () => clock.now(),
    });
    DnsServerDevice.listen(stack, server, clock, random, { port: port(), notify: notify() });
    for (const zone of zones)
      log.info(`serving ${zone.origin} (serial ${zone.soa.rdata.serial}, ${zone.size} records)`);
    log.info(`listening on UDP and TCP port ${port()}`);
    await stack.listen();
  },
};
