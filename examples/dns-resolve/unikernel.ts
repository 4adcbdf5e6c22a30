import { type DnsResolver, ppDnsError } from "@mirage-ts/dns";
import { enumConv, info, logSource, opt, registerArg, required, stringConv } from "@mirage-ts/mirage-runtime";

const log = logSource("resolve", "The DNS resolve unikernel");

const domainName = registerArg(
  required(stringConv, info(["domain-name"], { docv: "NAME", doc: "The name to resolve." })),
);
const family = registerArg(
  opt(
    enumConv([
      ["any", 0],
      ["4", 4],
      ["6", 6],
    ] as const),
    0,
    info(["family"], { docv: "FAMILY", doc: "Addresses wanted: 4, 6 or any." }),
  ),
);

export const Resolve = {
  async start(dns: DnsResolver): Promise<void> {
    const name = domainName();
    const wanted = family();
    const result = await dns.lookup(name, wanted === 0 ? {} : { family: wanted });
    if (!result.ok) {
      log.err(ppDnsError(result.error));
      throw new Error(ppDnsError(result.error));
    }
    for (const address of result.value) log.info(`${name} has address ${address.toString()}`);
    const stats = dns.stats();
    log.info(`queries sent ${stats.queriesSent}, timeouts ${stats.timeouts}, TCP fallbacks ${stats.tcpFallbacks}`);
  },
};
