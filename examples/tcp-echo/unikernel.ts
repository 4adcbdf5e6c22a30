import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { type Ipaddr, type Stack, type TcpFlow, ppTcpError } from "@mirage-ts/mirage-types";

const log = logSource("tcp-echo", "The TCP echo unikernel");

const port = registerArg(
  opt(intConv, 7, info(["port"], { docs: sections.network, docv: "PORT", doc: "The TCP port on which to echo." })),
);

/** Writes back everything the peer sends until it closes its side, then closes ours. */
async function echo(flow: TcpFlow<Ipaddr>): Promise<void> {
  const { addr, port: peerPort } = flow.dst();
  const peer = `${addr.toString()}:${peerPort}`;
  log.info(`${peer} connected`);
  let bytes = 0;
  for (;;) {
    const read = await flow.read();
    if (!read.ok) {
      log.warn(`${peer}: read failed: ${ppTcpError(read.error)}`);
      break;
    }
    if (read.value.kind === "eof") break;
    bytes += read.value.data.length;
    const written = await flow.write(read.value.data);
    if (!written.ok) {
      log.warn(`${peer}: write failed`);
      break;
    }
  }
  await flow.close();
  log.info(`${peer} closed after ${bytes} bytes`);
}

export const Echo = {
  async start(stack: Stack): Promise<void> {
    stack.tcp().listen(port(), echo);
    log.info(`echoing on port ${port()}`);
    await stack.listen();
  },
};
