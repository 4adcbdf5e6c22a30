import { type DnsResolver, ppConnectByNameError, ppDnsError } from "@mirage-ts/dns";
import { enumConv, info, intConv, logSource, opt, registerArg, required, stringConv } from "@mirage-ts/mirage-runtime";
import { type Ipaddr, type TcpFlow, ppTcpError, ppTcpWriteError } from "@mirage-ts/mirage-types";

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
const httpPort = registerArg(
  opt(
    intConv,
    0,
    info(["http-port"], {
      docv: "PORT",
      doc: "Then connect to NAME on PORT (happy eyeballs), send `GET / HTTP/1.0` and log the status line.",
    }),
  ),
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The first line the server sends back: reads until CRLF, the end of the stream, or 8 KiB. */
async function statusLine(flow: TcpFlow<Ipaddr>): Promise<string> {
  let text = "";
  while (!text.includes("\r\n") && text.length < 8192) {
    const read = await flow.read();
    if (!read.ok) throw new Error(`reading the answer: ${ppTcpError(read.error)}`);
    if (read.value.kind === "eof") break;
    text += decoder.decode(read.value.data, { stream: true });
  }
  return text.split("\r\n", 1)[0] ?? "";
}

/** Connects to `name`:`port` by name and asks for `/` with a hand-written HTTP/1.0 request. */
async function fetchStatus(dns: DnsResolver, name: string, port: number): Promise<void> {
  const connected = await dns.connectByName(name, port);
  if (!connected.ok) throw new Error(ppConnectByNameError(name, port, connected.error));
  const flow = connected.value;
  try {
    log.info(`connected to ${flow.dst().addr.toString()} port ${port}`);
    const sent = await flow.write(encoder.encode(`GET / HTTP/1.0\r\nHost: ${name}\r\n\r\n`));
    if (!sent.ok) throw new Error(`sending the request to ${name}:${port}: ${ppTcpWriteError(sent.error)}`);
    log.info(`status line: ${await statusLine(flow)}`);
  } finally {
    await flow.close();
  }
}

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
    if (httpPort() !== 0) await fetchStatus(dns, name, httpPort());
    const stats = dns.stats();
    log.info(
      `queries sent ${stats.queriesSent}, cache hits ${stats.cacheHits}, timeouts ${stats.timeouts}, ` +
        `TCP fallbacks ${stats.tcpFallbacks}`,
    );
  },
};
