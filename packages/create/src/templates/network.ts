import type { Template } from "./template.js";

/**
 * A small HTTP service on the generic stack: the host's sockets (`--net=socket`) or mirage-ts's own
 * TCP/IP stack over a tap (`--net=direct`), as mirage-skeleton's device-usage/http-fetch and
 * applications/static_website_tls do.
 *
 * @beta
 */
export const networkTemplate: Template = {
  name: "network",
  summary: "an HTTP service on the generic stack (host sockets or the direct TCP/IP stack)",
  packages: ["@mirage-ts/mirage-runtime", "@mirage-ts/mirage-types", "@mirage-ts/mirage-unix", "@mirage-ts/tcpip"],
  files: (name) => ({
    "config.ts": `import {
  defaultNetwork,
  fn,
  genericStackv4v6,
  job,
  main,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// The stack is chosen when you configure: --net=socket runs on the host's sockets; --net=direct (the
// default) runs mirage-ts's own TCP/IP stack on --interface (DHCP, or --ipv4 after --no-dhcp).
const service = main({ module: "./unikernel.js", name: "Service", type: fn(stackv4v6, job) });

register(${JSON.stringify(name)}, [service.$(genericStackv4v6(defaultNetwork))]);
`,
    "unikernel.ts": `import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { type Ipaddr, type Stack, type TcpFlow, ppTcpError } from "@mirage-ts/mirage-types";

const log = logSource(${JSON.stringify(name)}, "The HTTP service");

const port = registerArg(
  opt(intConv, 8080, info(["port"], { docs: sections.network, docv: "PORT", doc: "The TCP port to serve HTTP on." })),
);

// Requests are small: a head larger than this is refused rather than buffered.
const MAX_HEAD = 16 * 1024;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** The request head (up to the blank line), or \`undefined\` if the peer closed or sent too much first. */
async function readHead(flow: TcpFlow<Ipaddr>): Promise<string | undefined> {
  let head = "";
  while (!head.includes("\\r\\n\\r\\n")) {
    const read = await flow.read();
    if (!read.ok) {
      log.warn(\`read failed: \${ppTcpError(read.error)}\`);
      return undefined;
    }
    if (read.value.kind === "eof" || head.length + read.value.data.length > MAX_HEAD) return undefined;
    head += String.fromCharCode(...read.value.data);
  }
  return head;
}

/** Answers one request on a connection, then closes it. */
async function serve(flow: TcpFlow<Ipaddr>): Promise<void> {
  const { addr, port: peerPort } = flow.dst();
  const head = await readHead(flow);
  if (head !== undefined) {
    const requestLine = head.slice(0, head.indexOf("\\r\\n"));
    const [method = "", target = ""] = requestLine.split(" ");
    const allowed = method === "GET" || method === "HEAD";
    const status = allowed ? "200 OK" : "405 Method Not Allowed";
    const body = allowed ? \`Hello from ${name}, a mirage-ts unikernel! You asked for \${target}\\n\` : "";
    const response =
      \`HTTP/1.1 \${status}\\r\\nContent-Type: text/plain\\r\\nContent-Length: \${body.length}\\r\\n\` +
      \`\${allowed ? "" : "Allow: GET, HEAD\\r\\n"}Connection: close\\r\\n\\r\\n\${method === "HEAD" ? "" : body}\`;
    const written = await flow.write(ascii(response));
    if (!written.ok) log.warn(\`\${addr.toString()}:\${peerPort}: write failed\`);
    log.info(\`\${addr.toString()}:\${peerPort} "\${requestLine}" \${status.slice(0, 3)}\`);
  }
  await flow.close();
}

export const Service = {
  async start(stack: Stack): Promise<void> {
    stack.tcp().listen(port(), serve);
    await stack.tcp().listening?.(port()); // said once bound: a port in use stops the unikernel first
    log.info(\`serving HTTP on port \${port()}\`);
    await stack.listen();
  },
};
`,
  }),
  firstConfigure: ["--net=socket"],
  notes: {
    browser: () =>
      "In a page the stack is mirage-ts's own, over a WebSocket to `mirage-switch` (`npm install\n" +
      "@mirage-ts/frame-switch`), here bridged to a tap whose host end is 10.0.0.1 (as root):\n\n" +
      "```sh\n" +
      "ip tuntap add dev tap0 mode tap && ip addr add 10.0.0.1/24 dev tap0 && ip link set dev tap0 up\n" +
      "npx mirage-switch --listen 127.0.0.1:8090 --bridge tap:tap0\n" +
      "```\n\n" +
      "The page connects to `ws://127.0.0.1:8090` unless told otherwise (`?interface=ws://HOST:PORT`). Configure\n" +
      "with `--no-dhcp` too and open it with `?ipv4=10.0.0.2/24`, then `curl http://10.0.0.2:8080/`.",
    sim: (name) =>
      "Configure it with `--no-dhcp` too (a static `--ipv4`, 10.0.0.2/24 by default): alone in its world it\n" +
      "serves no client, and the run ends when nothing is left to happen. A test runs the same bundle\n" +
      `(\`dist/${name}.app.mjs\`) on a host of a simulated world, next to simulated clients, through loss,\n` +
      "partitions and crashes, with `@mirage-ts/mirage-sim`'s `SimWorld` and `runBundle` (its README shows how);\n" +
      "its network there is its host's port, so it has no `--interface`.",
  },
  readme: (name, run) =>
    "It answers HTTP requests on port 8080 (`--port` changes it) with a greeting.\n\n" +
    "On the host's own sockets, the quickest way to try it:\n\n" +
    "```sh\n" +
    `${run("configure", ["--net=socket"])}\n${run("build")}\n${run("start")}\n` +
    "curl http://127.0.0.1:8080/\n" +
    "```\n\n" +
    `On mirage-ts's own TCP/IP stack (\`${run("configure")}\`, the default \`--net=direct\`, with DHCP; add\n` +
    "`--no-dhcp` for a static address) it needs a tap device (root, or a tap owned by you):\n" +
    `\`node dist/${name}.mjs --interface=tap:tap0 --ipv4=10.0.0.2/24\`. The getting-started guide of\n` +
    "mirage-ts walks through it.\n",
};
