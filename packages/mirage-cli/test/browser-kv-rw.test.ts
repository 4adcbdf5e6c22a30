// A read-write key-value store in a page (`directKvRw` on the browser target, kept in IndexedDB):
// what the unikernel wrote is there after the page is reloaded, and in a fresh browser context
// (another profile) it is not.
import { describeRequiring } from "@mirage-ts/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumMissing, launchChromium, openPage, serveDirectory } from "./support/browser.js";
import { WAIT_MS, buildsMs } from "./support/limits.js";
import { configureAndBuild, project, removeProject } from "./support/project.js";

const CONFIG = `import { directKvRw, fn, job, kvRw, main, register } from "@mirage-ts/mirage-cli";
const app = main({ module: "./unikernel.js", name: "Counter", type: fn(kvRw, job) });
register("counter", [app.$(directKvRw("store"))]);
`;

const UNIKERNEL = `import { logSource } from "@mirage-ts/mirage-runtime";
import { Key, type KvRw, ppKvWriteError } from "@mirage-ts/mirage-types";
const log = logSource("counter");
export const Counter = {
  async start(kv: KvRw): Promise<void> {
    const key = Key.v("visits/count");
    const before = await kv.get(key);
    const count = before.ok ? Number(new TextDecoder().decode(before.value)) + 1 : 1;
    const written = await kv.set(key, new TextEncoder().encode(String(count)));
    if (!written.ok) throw new Error(ppKvWriteError(written.error));
    const listed = await kv.list(Key.v("visits"));
    log.info(\`visit \${count}, \${listed.ok ? listed.value.length : -1} key\`);
  },
};
`;

describeRequiring(chromiumMissing, "a read-write KV store in a page (IndexedDB)", { timeout: buildsMs(1) }, () => {
  let browser: Browser;
  let dir = "";

  beforeAll(async () => {
    dir = await project({
      "config.ts": CONFIG,
      "unikernel.ts": UNIKERNEL,
      "package.json": JSON.stringify({ name: "counter", version: "1.0.0", type: "module" }),
    });
    await configureAndBuild(dir, ["-t", "browser"]);
    browser = await launchChromium();
  }, buildsMs(1));

  afterAll(async () => {
    await browser?.close();
    if (dir !== "") await removeProject(dir);
  });

  it("keeps what was written across a reload of the page", async () => {
    const served = await serveDirectory(`${dir}/dist`);
    const context = await browser.newContext();
    try {
      const page = await openPage(context, `${served.url}index.html`);
      expect((await page.exited(WAIT_MS)).code).toBe(0);
      await page.reload();
      await page.printed("visit 2, 1 key", WAIT_MS);
      await page.close();
      const again = await openPage(context, `${served.url}index.html`);
      await again.printed("visit 3, 1 key", WAIT_MS);
      await again.close();
      // Another context is another profile: its IndexedDB is empty.
      const other = await openPage(browser, `${served.url}index.html`);
      await other.printed("visit 1, 1 key", WAIT_MS);
      await other.close();
    } finally {
      await context.close();
      await served.close();
    }
  });
});
