// Real headless Chromium (Debian's chromium package, driven by playwright-core with that executable:
// no browser download) for the browser target's tests, and a static file server on 127.0.0.1 for a
// built dist/. Chromium runs as root only with --no-sandbox.
import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { firstMissing, missingTools } from "@mirage-ts/test-support";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why Chromium cannot run here, or `undefined`. */
export const chromiumMissing = firstMissing(() => missingTools(CHROMIUM));

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root (CI) needs --no-sandbox; the GPU and shared memory flags keep it quiet in a container.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
};

/** A static server of `root` on 127.0.0.1; its base URL, and `close`. */
export async function serveDirectory(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What a unikernel's page showed: its standard output and error, and its exit status. */
export interface PageRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// Evaluated in the page, as a string: this file is type-checked without the DOM's types.
const READ_OUTPUT = `(() => {
  const text = (selector) =>
    [...document.querySelectorAll("#mirage-output " + selector)].map((span) => span.textContent).join("");
  const exit = document.documentElement.getAttribute("data-mirage-exit");
  return { code: exit === null ? -1 : Number(exit), stdout: text(".out"), stderr: text(".err") };
})()`;

/** A unikernel's page left open: what it printed so far (`code` -1 while it runs), and its closing. */
export interface OpenPage {
  readonly output: () => Promise<PageRun>;
  readonly errors: readonly string[];
  /** Loads the page again (same origin, same storage). */
  readonly reload: () => Promise<void>;
  /** Waits until the page's output contains `text`. */
  readonly printed: (text: string, timeoutMs: number) => Promise<void>;
  /** Waits until the unikernel marks its exit (`data-mirage-exit`), then gives its output. */
  readonly exited: (timeoutMs: number) => Promise<PageRun>;
  readonly close: () => Promise<void>;
}

/**
 * Opens `url` in a new page of `browser` (a fresh context each time) or of one `BrowserContext` (whose
 * pages share their origins' storage), which runs the unikernel; the caller closes it.
 */
export async function openPage(browser: Browser | BrowserContext, url: string): Promise<OpenPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  const output = async () => (await page.evaluate(READ_OUTPUT)) as PageRun;
  return {
    output,
    errors,
    exited: async (timeoutMs) => {
      await page.waitForSelector("html[data-mirage-exit]", { state: "attached", timeout: timeoutMs }).catch((e) => {
        throw new Error(
          `${url} did not exit within ${timeoutMs} ms (page errors: ${errors.join("; ") || "none"}): ${e}`,
        );
      });
      return output();
    },
    printed: async (text, timeoutMs) => {
      const condition = `document.getElementById("mirage-output").textContent.includes(${JSON.stringify(text)})`;
      await page.waitForFunction(condition, undefined, { timeout: timeoutMs }).catch(async (e) => {
        const { stdout, stderr } = await output();
        throw new Error(
          `${url} did not print ${JSON.stringify(text)} within ${timeoutMs} ms: ${e}\n${stdout}${stderr}`,
        );
      });
    },
    reload: async () => {
      await page.reload();
    },
    close: () => page.close(),
  };
}

/**
 * Opens `url` in a new page and waits until the unikernel marks its exit (`data-mirage-exit`);
 * returns what the page's output element got from each stream.
 */
export async function runPage(browser: Browser, url: string, timeoutMs: number): Promise<PageRun> {
  const page = await openPage(browser, url);
  try {
    return await page.exited(timeoutMs);
  } finally {
    await page.close();
  }
}
