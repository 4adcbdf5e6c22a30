// static-website built for the browser (`-t browser --net=direct`) in headless Chromium, its network a
// WebSocket to mirage-switch, which bridges a tap moved into a network namespace: the page takes its
// address from dnsmasq there, answers the kernel's ping, and serves curl a 10 MB file of the same SHA-256.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  Namespace,
  describeRequiring,
  firstMissing,
  interfaceName,
  missingNamespaces,
  missingTapAddon,
  startDnsmasq,
  waitFor,
} from "@mirage-ts/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumMissing, launchChromium, openPage, serveDirectory } from "./support/browser.js";
import { WAIT_MS, buildsMs, transferMs } from "./support/limits.js";
import { configureAndBuild, exampleCopy, removeProject } from "./support/project.js";
import { KERNEL } from "./support/unikernel-link.js";

const LEASED = "10.99.0.2";
const SWITCH = fileURLToPath(new URL("../../frame-switch/bin/mirage-switch.mjs", import.meta.url));
const missing = firstMissing(
  () => chromiumMissing,
  () => missingNamespaces("dnsmasq", "ping", "curl"),
  missingTapAddon,
);
const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Starts mirage-switch bridged to the tap `tap`; resolves to its URL once it listens. */
async function startSwitch(tap: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [SWITCH, "--listen", "127.0.0.1:0", "--bridge", `tap:${tap}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  await waitFor("mirage-switch to listen", () => /listening on ws:/u.test(out) || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`mirage-switch exited: ${err}`);
  return { child, url: /ws:\/\/\S+/u.exec(out)![0], stderr: () => err };
}

describeRequiring(missing, "static-website in a page, on the switch bridged to a tap (netns)", {}, () => {
  const big = randomBytes(10 << 20);
  let browser: Browser;
  let dir = "";

  beforeAll(async () => {
    dir = await exampleCopy("static-website", { "htdocs/big.bin": big });
    await configureAndBuild(dir, ["-t", "browser", "--net=direct"]);
    browser = await launchChromium();
  }, buildsMs(1));

  afterAll(async () => {
    await browser?.close();
    if (dir !== "") await removeProject(dir);
  });

  it("takes a DHCP lease, answers ping and serves 10 MB intact", {
    timeout: buildsMs(1, transferMs(big.length)),
  }, async () => {
    const ns = Namespace.create("mirage-cli");
    const tap = interfaceName("mc");
    let sw: Awaited<ReturnType<typeof startSwitch>> | undefined;
    const served = await serveDirectory(`${dir}/dist`);
    try {
      sw = await startSwitch(tap);
      await ns.adopt(tap, KERNEL);
      await startDnsmasq(ns, tap, `${LEASED},${LEASED},255.255.255.0,1h`);
      const page = await openPage(browser, `${served.url}index.html?interface=${sw.url}`);
      try {
        await page.printed("serving on port 8080", WAIT_MS);
        await page.printed(LEASED, WAIT_MS);
        const ping = await ns.run("ping", ["-c", "3", "-W", "5", LEASED]);
        expect(ping.code, ping.stdout.toString()).toBe(0);
        const curl = await ns.run("curl", [
          "-sS",
          "--max-time",
          String(transferMs(big.length) / 1000),
          `http://${LEASED}:8080/big.bin`,
        ]);
        expect(curl.code, curl.stderr).toBe(0);
        expect(curl.stdout.length).toBe(big.length);
        expect(sha256(curl.stdout)).toBe(sha256(big));
        const { stderr } = await page.output();
        expect(stderr).toMatch(/"GET \/big\.bin HTTP\/1\.1" 200 10485760/u);
      } finally {
        await page.close();
      }
    } finally {
      await served.close();
      if (sw !== undefined && sw.child.exitCode === null) sw.child.kill("SIGTERM");
      await ns.remove();
    }
  });
});
