// The browser target in real headless Chromium (Debian's chromium through playwright-core): the
// tutorial examples built with `-t browser` run in a page served from 127.0.0.1 and print what the
// same examples built for unix print (log stamps aside; timeout1's outcome is random on both), the
// command line comes from the query string, and a device the target lacks is refused at configure.

import { describeRequiring } from "@mirage-ts/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type PageRun, chromiumMissing, launchChromium, runPage, serveDirectory } from "./support/browser.js";
import { WAIT_MS, buildsMs } from "./support/limits.js";
import { type Outcome, configureAndBuild, exampleCopy, files, mirage, node, removeProject } from "./support/project.js";

/** Configures and builds a copy of `name` for `target` with `keys`, then runs `check` in it. */
async function withBuilt(name: string, target: string, keys: readonly string[], check: (dir: string) => Promise<void>) {
  const dir = await exampleCopy(name);
  try {
    await configureAndBuild(dir, ["-t", target, ...keys]);
    await check(dir);
  } finally {
    await removeProject(dir);
  }
}

/** The output with what legitimately differs between two runs made equal: log stamps, the random outcome. */
function comparable(run: Outcome | PageRun): { code: number; stdout: string; stderr: string } {
  const normal = (text: string) =>
    text
      .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z: /gmu, "STAMP: ")
      .replace(/(Cancelled|Returned "Heads")$/gmu, "OUTCOME");
  return { code: run.code, stdout: normal(run.stdout), stderr: normal(run.stderr) };
}

let browser: Browser;

describeRequiring(chromiumMissing, "the browser target in headless Chromium", { timeout: buildsMs(2) }, () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Runs the browser build of `dir` in a page with `query`. */
  async function inPage(dir: string, query = ""): Promise<PageRun> {
    const served = await serveDirectory(`${dir}/dist`);
    try {
      return await runPage(browser, `${served.url}index.html${query}`, WAIT_MS);
    } finally {
      await served.close();
    }
  }

  it.each([
    ["hello", [], "", []],
    ["heads1", [], "", []],
    ["timeout1", [], "", []],
    ["kv_ro", ["--kv_ro=crunch"], "", []],
    ["hello-key", [], "?hello=Bonjour%20%C3%A0%20tous&l=debug", ["--hello=Bonjour à tous", "-l", "debug"]],
  ] as const)("runs %s in a page as on unix", async (name, keys, query, argv) => {
    let unix: Outcome | undefined;
    await withBuilt(name, "unix", keys, async (dir) => {
      unix = await node(dir, [`dist/${name}.mjs`, ...argv]);
    });
    await withBuilt(name, "browser", keys, async (dir) => {
      const page = await inPage(dir, query);
      expect(comparable(page)).toEqual(comparable(unix!));
    });
    expect(unix!.code).toBe(0);
    expect(unix!.stderr).not.toBe("");
  });

  it("runs app-info in a page as on unix, with the browser platform in its packages", async () => {
    let unix: Outcome | undefined;
    await withBuilt("app-info", "unix", [], async (dir) => {
      unix = await node(dir, ["dist/app-info.mjs"]);
    });
    await withBuilt("app-info", "browser", [], async (dir) => {
      const page = await inPage(dir);
      expect(page.stdout).toMatch(/@mirage-ts\/mirage-browser\.\d/u);
      // The packages are sorted by name: the platform's place in the list differs.
      const samePlatform = (run: Outcome | PageRun) => ({
        ...run,
        stdout: run.stdout.replace(
          /\[(.*)\]/u,
          (_all, list: string) =>
            `[${list
              .split("; ")
              .map((p) => p.replace(/^@mirage-ts\/mirage-(?:unix|browser)\..*$/u, "PLATFORM"))
              .sort()
              .join("; ")}]`,
        ),
      });
      expect(comparable(samePlatform(page))).toEqual(comparable(samePlatform(unix!)));
      // --help from the query string: the manual on standard output, status 63, as on unix.
      const help = await inPage(dir, "?help=plain");
      expect(help.code).toBe(63);
      expect(help.stdout).toContain("app-info");
      const bad = await inPage(dir, "?no-such-option");
      expect(bad.code).toBe(64);
      expect(bad.stderr).toContain("no-such-option");
      // In the page's terms: its arguments are the query string, the help is ?help.
      expect(bad.stderr).toContain("Try '?help' for more information.");
      expect(bad.stderr).not.toContain("--help");
    });
  });

  it("refuses the devices a page lacks at configure time, naming the target and the device", async () => {
    for (const [name, keys, message] of [
      ["block", [], "blockOfFile is not supported on the browser target"],
      ["network", ["--net=socket"], "the socket stack is not supported on the browser target"],
      ["http-fetch", ["--net=direct"], "httpFetchClient is not supported on the browser target"],
    ] as const) {
      const dir = await exampleCopy(name);
      try {
        const before = await files(dir);
        const r = await mirage(dir, ["configure", "-t", "browser", ...keys]);
        expect(r.code, name).not.toBe(0);
        expect(r.stderr, name).toContain(message);
        expect(await files(dir)).toEqual(before);
      } finally {
        await removeProject(dir);
      }
    }
  });
});
