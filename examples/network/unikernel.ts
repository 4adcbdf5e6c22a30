import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { type Stack, ppTcpError } from "@mirage-ts/mirage-types";

const log = logSource("network", "The network unikernel");

// `--port=PORT`: where to listen (upstream device-usage/network).
const port = registerArg(
  opt(
    intConv,
    8080,
    info(["port"], {
      docs: sections.network,
      docv: "PORT",
      doc: "The TCP port on which to listen for incoming connections.",
    }),
  ),
);

export const Network = {
  async start(stack: Stack): Promise<void> {
    stack.tcp().listen(port(), async (flow) => {
      const { addr, port: peerPort } = flow.dst();
      log.info(`new tcp connection from IP ${addr.toString()} on port ${peerPort}`);
      const read = await flow.read();
      if (!read.ok) log.warn(`error reading data from established connection: ${ppTcpError(read.error)}`);
      else if (read.value.kind === "eof") log.info("Closing connection!");
      else log.info(`read: ${read.value.data.length} bytes:\n${new TextDecoder().decode(read.value.data)}`);
      await flow.close();
    });
    await stack.tcp().listening?.(port()); // said once bound: a port in use stops the unikernel first
    log.info(`listening on port ${port()}`);
    await stack.listen();
  },
};
