// Two pages on one mirage-switch, no host in between: tcp-echo (built with `-t browser --net=direct
// --no-dhcp`) in one, a client unikernel of this test in the other, each on tcpip's direct stack over
// its WebSocket; 1 MB goes through the echo and comes back intact. The switch's counters show the
// frames went page to page.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describeRequiring, waitFor } from "@mirage-ts/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumMissing, launchChromium, openPage, serveDirectory } from "./support/browser.js";
import { WAIT_MS, buildsMs, transferMs } from "./support/limits.js";
import { configureAndBuild, exampleCopy, project, removeProject } from "./support/project.js";

const SWITCH = fileURLToPath(new URL("../../frame-switch/bin/mirage-switch.mjs", import.meta.url));
const BYTES = 1 << 20;

const CLIENT_CONFIG = `import {
  defaultNetwork, fn, genericStackv4v6, job, main, register, stackv4v6,
} from "@mirage-ts/mirage-cli";
const client = main({ module: "./unikernel.js", name: "Client", type: fn(stackv4v6, job) });
register("echo-client", [client.$(genericStackv4v6(defaultNetwork))]);
`;

// Sends --bytes of a known pattern to --server's echo port while reading the echo, then compares.
const CLIENT = `import { info, intConv, logSource, opt, registerArg, stringConv } from "@mirage-ts/mirage-runtime";
import { Ipaddr, type Stack, ppTcpError } from "@mirage-ts/mirage-types";
const log = logSource("echo-client");
const server = registerArg(opt(stringConv, "10.0.0.2", info(["server"], { doc: "The echo server." })));
const bytes = registerArg(opt(intConv, 1024, info(["bytes"], { doc: "How many bytes to send." })));
export const Client = {
  async start(stack: Stack): Promise<void> {
    const connected = await stack.tcp().createConnection(Ipaddr.parse(server()), 7);
    if (!connected.ok) throw new Error(ppTcpError(connected.error));
    const flow = connected.value;
    const sent = new Uint8Array(bytes()).map((_, i) => (i * 7 + i / 251) & 255);
    const reading = (async () => {
      const got = new Uint8Array(sent.length);
      let at = 0;
      while (at < got.length) {
        const read = await flow.read();
        if (!read.ok || read.value.kind === "eof") break;
        got.set(read.value.data.subarray(0, got.length - at), at);
        at += read.value.data.length;
      }
      return got.subarray(0, at);
    })();
    for (let at = 0; at < sent.length; at += 16384) {
      const written = await flow.write(sent.subarray(at, at + 16384));
      if (!written.ok) throw new Error("write failed");
    }
    const got = await reading;
    const intact = got.length === sent.length && got.every((b, i) => b === sent[i]);
    log.info(\`echoed \${got.length} bytes \${intact ? "intact" : "CORRUPTED"}\`);
    await flow.close();
  },
};
`;

const build = (dir: string) => configureAndBuild(dir, ["-t", "browser", "--net=direct", "--no-dhcp"]);

describeRequiring(chromiumMissing, "two pages on mirage-switch: tcp-echo and a client", {}, () => {
  let browser: Browser;
  let server = "";
  let client = "";
  let sw: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    server = await exampleCopy("tcp-echo");
    client = await project({
      "config.ts": CLIENT_CONFIG,
      "unikernel.ts": CLIENT,
      "package.json": JSON.stringify({ name: "echo-client", version: "1.0.0", type: "module" }),
    });
    await build(server);
    await build(client);
    browser = await launchChromium();
    sw = spawn(process.execPath, [SWITCH, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    sw.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor("mirage-switch to listen", () => /listening on ws:/u.test(out));
    url = /ws:\/\/\S+/u.exec(out)![0];
  }, buildsMs(2));

  afterAll(async () => {
    await browser?.close();
    if (sw?.exitCode === null) sw.kill("SIGTERM");
    await Promise.all([server, client].filter((d) => d !== "").map(removeProject));
  });

  it("echoes 1 MB from one page to the other intact", { timeout: transferMs(BYTES) }, async () => {
    const [servedServer, servedClient] = await Promise.all([
      serveDirectory(`${server}/dist`),
      serveDirectory(`${client}/dist`),
    ]);
    try {
      const echo = await openPage(browser, `${servedServer.url}index.html?interface=${url}&ipv4=10.0.0.2/24`);
      await echo.printed("echoing on port 7", WAIT_MS);
      const query = `interface=${url}&ipv4=10.0.0.3/24&server=10.0.0.2&bytes=${BYTES}`;
      const sender = await openPage(browser, `${servedClient.url}index.html?${query}`);
      const run = await sender.exited(transferMs(BYTES));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`echoed ${BYTES} bytes intact`);
      await echo.printed(`closed after ${BYTES} bytes`, WAIT_MS);
      const stats = (await (await fetch(`${url.replace("ws:", "http:")}/stats`)).json()) as {
        forwarded: number;
        malformed: number;
      };
      // 1 MB both ways is well over 1400 full frames, almost all forwarded to the one learned port.
      expect(stats.forwarded).toBeGreaterThan(1400);
      expect(stats.malformed).toBe(0);
      await Promise.all([echo.close(), sender.close()]);
    } finally {
      await Promise.all([servedServer.close(), servedClient.close()]);
    }
  });
});
