import type { HttpServer } from "@mirage-ts/http";
import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import type { Stack } from "@mirage-ts/mirage-types";
import { app } from "./app.js";

const log = logSource("hono", "A Hono app as a unikernel");

const port = registerArg(
  opt(intConv, 8080, info(["port"], { docs: sections.network, docv: "PORT", doc: "The TCP port to serve on." })),
);

export const Hono = {
  async start(stack: Stack, http: HttpServer): Promise<void> {
    // Hono's `fetch` is a fetch-standard handler: the connection info goes in as its environment.
    http.listen(port(), (request, connection) => app.fetch(request, { connection }));
    await http.listening?.(port()); // said once the port is bound: one in use stops the unikernel first
    log.info(`serving the Hono app on port ${port()}`);
    await stack.listen();
  },
};
