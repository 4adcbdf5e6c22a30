// Every unikernel of examples/: configured and built with the built `mirage` in a temporary copy of
// its folder (so examples/ is never written to, whatever a `pnpm example:hello` left there), run
// from its bundle with node, its output checked, then cleaned back to the copied files.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFile, rm, truncate, writeFile } from "node:fs/promises";
import { Agent, createServer as createHttpServer, request } from "node:http";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WAIT_MS, buildsMs } from "./support/limits.js";
import { type Outcome, ROOT, exampleCopy, files, mirage, node, removeProject } from "./support/project.js";

const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)`;

/** The log lines of a run, without their time stamps. */
function logs(r: Outcome): string[] {
  return r.stderr
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const m = new RegExp(`^${TIME}: ?(.*)$`, "u").exec(l);
      if (m === null) throw new Error(`not a log line: ${l}`);
      return m[1] ?? "";
    });
}

/** A TCP port free on loopback now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `condition` holds, polling every 20 ms, for at most WAIT_MS. */
async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting for the unikernel");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a built bundle with `args` and waits for `ready` in its log; `stop` ends it. */
async function started(
  dir: string,
  args: readonly string[],
  ready: string,
): Promise<{ stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { cwd: dir });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("exit", resolve));
  };
  try {
    await until(() => stderr.includes(ready));
  } catch (e) {
    await stop();
    throw e;
  }
  return { stderr: () => stderr, stop };
}

interface Fetched {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly localPort: number;
}

/** One HTTP request with node:http through `agent`. */
function get(
  agent: Agent,
  port: number,
  path: string,
  options: { readonly method?: string; readonly headers?: Record<string, string> } = {},
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, agent, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        // The agent takes the socket back at the end of the response.
        const localPort = res.socket.localPort ?? 0;
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), localPort }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Configures and builds a copy of the example `name`, runs `check` in it, then cleans it and checks
 * that only the copied files are left.
 */
async function withExample(
  name: string,
  configure: readonly string[],
  check: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await exampleCopy(name);
  try {
    const copied = await files(dir);
    try {
      expect(await mirage(dir, ["configure", "-t", "unix", ...configure])).toMatchObject({ code: 0, stderr: "" });
      const built = await mirage(dir, ["build", "-q"]);
      expect(built, built.stderr).toMatchObject({ code: 0, stderr: "" });
      await check(dir);
    } finally {
      expect((await mirage(dir, ["clean"])).code).toBe(0);
    }
    expect(await files(dir)).toEqual(copied);
  } finally {
    await removeProject(dir);
  }
}

// Each test builds one example (the limit of the block), or two (its own limit).
describe.concurrent("examples", { timeout: buildsMs(1) }, () => {
  it("noop exits at once", () =>
    withExample("noop", [], async (dir) => {
      expect(await node(dir, ["dist/noop.mjs"])).toEqual({ code: 0, stdout: "", stderr: "" });
    }));

  it("hello logs hello four times", () =>
    withExample("hello", [], async (dir) => {
      const r = await node(dir, ["dist/hello.mjs"]);
      expect(r.code).toBe(0);
      expect(logs(r)).toEqual(Array(4).fill("[INFO] [hello] hello"));
    }));

  it("hello-key logs --hello", () =>
    withExample("hello-key", [], async (dir) => {
      expect(logs(await node(dir, ["dist/hello-key.mjs", "--hello=Bonjour le monde"]))).toEqual(
        Array(4).fill("[INFO] [hello] Bonjour le monde"),
      );
      expect((await node(dir, ["dist/hello-key.mjs", "--help=plain"])).stdout).toContain(
        "--hello=VAL (absent=Hello World!)",
      );
    }));

  it("heads1 and heads2 finish after both sleeps", { timeout: buildsMs(2) }, async () => {
    for (const name of ["heads1", "heads2"]) {
      await withExample(name, [], async (dir) => {
        const r = await node(dir, [`dist/${name}.mjs`]);
        expect(r.code).toBe(0);
        expect(logs(r)).toEqual([`[INFO] [${name}] Heads`, `[INFO] [${name}] Tails`, `[INFO] [${name}] Finished`]);
      });
    }
  });

  it("timeout1 and timeout2 return Heads or cancel", { timeout: buildsMs(2) }, async () => {
    for (const name of ["timeout1", "timeout2"]) {
      await withExample(name, [], async (dir) => {
        const r = await node(dir, [`dist/${name}.mjs`]);
        expect(r.code).toBe(0);
        expect(logs(r)).toHaveLength(1);
        expect(logs(r)[0]).toMatch(new RegExp(`^\\[INFO\\] \\[${name}\\] (?:Cancelled|Returned "Heads")$`, "u"));
      });
    }
  });

  it("echo_server logs ten random lines", () =>
    withExample("echo_server", [], async (dir) => {
      const r = await node(dir, ["dist/echo_server.mjs", "--max-delay=20"]);
      expect(r.code).toBe(0);
      const lines = logs(r);
      expect(lines).toHaveLength(10);
      for (const line of lines) expect(line).toMatch(/^\[INFO\] \[echo_server\] a{0,19}$/u);
    }));

  it("app-info prints its name and the versions of its packages", () =>
    withExample("app-info", [], async (dir) => {
      const version = async (pkg: string) =>
        (JSON.parse(await readFile(join(ROOT, "packages", pkg, "package.json"), "utf8")) as { version: string })
          .version;
      const packages = await Promise.all(
        ["mirage-cli", "mirage-runtime", "mirage-types", "mirage-unix"].map(
          async (p) => `@mirage-ts/${p}.${await version(p)}`,
        ),
      );
      expect(await node(dir, ["dist/app-info.mjs"])).toEqual({
        code: 0,
        stdout: `name = app-info\npackages = [${packages.join("; ")}]\n`,
        stderr: "",
      });
    }));

  it("clock speaks every second until interrupted", () =>
    withExample("clock", [], async (dir) => {
      const child = spawn(process.execPath, ["dist/speaking_clock.mjs"], { cwd: dir });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.split("*BEEP*").length > 2) child.kill("SIGINT");
      });
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(130);
      const lines = logs({ code: 130, stdout: "", stderr });
      expect(lines.slice(0, 4)).toEqual([
        expect.stringMatching(/^ \[clock\] \d+ nanoseconds have elapsed\.$/u),
        expect.stringMatching(
          /* biome-ignore lint/suspicious/noControlCharactersInRegex: the clock example rings the terminal bell
             (BEL, \x07). */
          /^ \[clock\] At the stroke, the time will be \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d \x07 \*BEEP\*$/u,
        ),
        expect.stringMatching(/^ \[clock\] \d+ nanoseconds have elapsed\.$/u),
        expect.stringMatching(/BEEP/u),
      ]);
      const elapsed = lines.filter((l) => l.includes("elapsed")).map((l) => BigInt(/(\d+) nano/u.exec(l)?.[1] ?? "0"));
      expect(elapsed[1]! - elapsed[0]!).toBeGreaterThanOrEqual(1_000_000_000n);
    }));

  it("network on the host socket stack logs a peer and what it sent", () =>
    withExample("network", ["--net=socket"], async (dir) => {
      const port = await freePort();
      const child = spawn(process.execPath, ["dist/network.mjs", `--port=${port}`], { cwd: dir });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        await until(() => stderr.includes("listening on port"));
        const peerPort = await new Promise<number>((resolve, reject) => {
          let local = 0;
          const socket = connect(port, "127.0.0.1", () => {
            local = socket.localPort ?? 0;
            socket.end("hello");
          });
          socket.on("error", reject);
          socket.on("close", () => resolve(local));
        });
        await until(() => stderr.includes("read: 5 bytes"));
        // The last message spans two lines, as upstream's `read: %d bytes:\n%s`.
        const lines = stderr.split("\n").map((l) => l.replace(new RegExp(`^${TIME}: ?`, "u"), ""));
        expect(lines.slice(0, 4)).toEqual([
          `[INFO] [network] listening on port ${port}`,
          `[INFO] [network] new tcp connection from IP 127.0.0.1 on port ${peerPort}`,
          "[INFO] [network] read: 5 bytes:",
          "hello",
        ]);
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.on("exit", resolve));
      }
    }));

  it("tcp-echo on the host socket stack echoes what it reads", () =>
    withExample("tcp-echo", ["--net=socket"], async (dir) => {
      const port = await freePort();
      const uk = await started(dir, ["dist/tcp-echo.mjs", `--port=${port}`], "echoing on port");
      try {
        const sent = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
        const echoed = await new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const socket = connect(port, "127.0.0.1", () => socket.end(sent));
          socket.on("data", (chunk: Buffer) => chunks.push(chunk));
          socket.on("error", reject);
          socket.on("close", () => resolve(Buffer.concat(chunks)));
        });
        expect(echoed.equals(sent)).toBe(true);
        await until(() => uk.stderr().includes("closed after"));
        expect(uk.stderr()).toMatch(/\[INFO\] \[tcp-echo\] 127\.0\.0\.1:\d+ closed after 100000 bytes/u);
      } finally {
        await uk.stop();
      }
    }));

  it("static-website on the host socket stack serves htdocs over HTTP/1.1 with keep-alive, HEAD, 404 and ranges", () =>
    withExample("static-website", ["--net=socket"], async (dir) => {
      const port = await freePort();
      const uk = await started(dir, ["dist/static-website.mjs", `--port=${port}`], "serving on port");
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const index = await get(agent, port, "/");
        expect(index.status).toBe(200);
        expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(index.body.toString()).toBe(await readFile(join(dir, "htdocs", "index.html"), "utf8"));
        const css = await get(agent, port, "/css/site.css");
        expect(css).toMatchObject({ status: 200, localPort: index.localPort });
        expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
        const head = await get(agent, port, "/alphabet.txt", { method: "HEAD" });
        expect(head).toMatchObject({ status: 200, body: Buffer.alloc(0) });
        expect(head.headers).toMatchObject({ "content-length": "37", "accept-ranges": "bytes" });
        const missing = await get(agent, port, "/missing.html");
        expect(missing.status).toBe(404);
        const traversal = await get(agent, port, "/../config.ts");
        expect(traversal.status).toBe(404);
        const partial = await get(agent, port, "/alphabet.txt", { headers: { Range: "bytes=10-15" } });
        expect(partial).toMatchObject({ status: 206, body: Buffer.from("abcdef") });
        expect(partial.headers["content-range"]).toBe("bytes 10-15/37");
        const suffix = await get(agent, port, "/alphabet.txt", { headers: { Range: "bytes=-4" } });
        expect(suffix).toMatchObject({ status: 206, body: Buffer.from("xyz\n") });
        const beyond = await get(agent, port, "/alphabet.txt", { headers: { Range: "bytes=37-" } });
        expect(beyond.status).toBe(416);
        expect(beyond.headers["content-range"]).toBe("bytes */37");
        // Every request went over the one kept-alive connection.
        expect(new Set([index, css, head, missing, partial, suffix, beyond].map((r) => r.localPort)).size).toBe(1);
        expect(uk.stderr()).toContain(`127.0.0.1:${index.localPort} "GET /alphabet.txt HTTP/1.1" 206 6`);
      } finally {
        agent.destroy();
        await uk.stop();
      }
    }));

  it("hono: a Hono app run unchanged on the http server device answers Node's fetch (routes, JSON, a stream)", () =>
    withExample("hono", ["--net=socket"], async (dir) => {
      const port = await freePort();
      const uk = await started(dir, ["dist/hono.mjs", `--port=${port}`], "serving the Hono app");
      try {
        const base = `http://127.0.0.1:${port}`;
        expect(await (await fetch(`${base}/`)).text()).toBe("Hello from Hono on mirage-ts!");
        const user = await fetch(`${base}/users/42`);
        expect(user.headers.get("content-type")).toMatch(/^application\/json/u);
        expect(await user.json()).toEqual({ id: 42, name: "user 42" });
        const echo = await fetch(`${base}/echo`, { method: "POST", body: JSON.stringify({ a: [1, 2] }) });
        expect(await echo.json()).toEqual({ received: { a: [1, 2] } });
        const counted = await fetch(`${base}/count/1000`);
        expect(counted.headers.get("transfer-encoding")).toBe("chunked");
        const lines = (await counted.text()).trimEnd().split("\n");
        expect(lines).toHaveLength(1000);
        expect(lines.at(-1)).toBe("line 1000");
        const missing = await fetch(`${base}/nowhere`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toEqual({ error: "not found", path: "/nowhere" });
      } finally {
        await uk.stop();
      }
    }));

  it("http-fetch fetches through the stack with undici and prints the status and the body's SHA-256", () =>
    withExample("http-fetch", ["--net=socket"], async (dir) => {
      const body = randomBytes(3 << 20);
      const server = createHttpServer((req, res) => {
        res.setHeader("content-type", "application/octet-stream");
        res.end(req.url === "/data" ? body : "");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      try {
        const uri = `http://127.0.0.1:${port}/data`;
        const r = await node(dir, ["dist/http-fetch.mjs", `--uri=${uri}`]);
        expect(r.code, r.stderr).toBe(0);
        const hash = createHash("sha256").update(body).digest("hex");
        expect(logs(r)).toEqual([`[INFO] [http-fetch] ${uri}: 200 OK, ${body.length} bytes, sha256 ${hash}`]);
        // A server that accepts and never answers: --timeout ends the wait with one clear line.
        const silent = createServer(() => {});
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const quiet = `http://127.0.0.1:${(silent.address() as { port: number }).port}/`;
        try {
          const late = await node(dir, ["dist/http-fetch.mjs", `--uri=${quiet}`, "--timeout=300"]);
          expect(late).toMatchObject({ code: 255, stdout: "" });
          expect(late.stderr).toBe(
            `Fatal error: ${quiet}: no answer within 300 ms; ` +
              "is the host up and reachable? (--timeout=MS waits longer)\n",
          );
        } finally {
          silent.close();
        }
        // A port nothing listens on: the connection's failure, named.
        const closed = `http://127.0.0.1:${port}/`;
        server.close();
        const refused = await node(dir, ["dist/http-fetch.mjs", `--uri=${closed}`]);
        expect(refused).toMatchObject({ code: 255, stdout: "" });
        expect(refused.stderr).toBe(
          `Fatal error: ${closed}: connect to 127.0.0.1:${port}: connection attempt was refused\n`,
        );
      } finally {
        server.close();
      }
    }));

  it("kv_ro confirms the secret, crunched or read directly", { timeout: buildsMs(2) }, async () => {
    for (const kvRo of ["crunch", "direct"]) {
      await withExample("kv_ro", [`--kv_ro=${kvRo}`], async (dir) => {
        expect(logs(await node(dir, ["dist/kv_ro.mjs"]))).toEqual([
          "[INFO] [kv_ro] Contents of extremely secret vital storage confirmed!",
        ]);
      });
    }
  });

  it("block passes its test suite on a disk image", () =>
    withExample("block", [], async (dir) => {
      await writeFile(join(dir, "disk.img"), "");
      await truncate(join(dir, "disk.img"), 100_000 * 512);
      try {
        const r = await node(dir, ["dist/block_test.mjs"]);
        expect(r.code).toBe(0);
        expect(logs(r)).toEqual([
          "[INFO] [block] { Mirage_block.read_write = true; sector_size = 512; size_sectors = 100000L }",
          "[INFO] [block] reading 1 sectors at 100000",
          "[INFO] [block] reading 12 sectors at 99989",
          "[INFO] [block] Test sequence finished",
          "[INFO] [block] Total tests started: 10",
          "[INFO] [block] Total tests passed:  10",
          "[INFO] [block] Total tests failed:  0",
        ]);
      } finally {
        await rm(join(dir, "disk.img"));
      }
    }));

  it("disk-lottery keeps its high score on the disk", () =>
    withExample("disk-lottery", [], async (dir) => {
      await writeFile(join(dir, "disk.img"), new Uint8Array(8 * 512));
      try {
        const play = (...args: string[]) => node(dir, ["dist/lottery.mjs", ...args]);
        const fresh = await play();
        expect(fresh.code).toBe(6);
        expect(logs(fresh)).toEqual(["[ERROR] [lottery] Error reading state: bad magic; is this lottery data?"]);
        expect(logs(await play("--reset-all"))).toEqual([" [lottery] All 8 game slots reset."]);
        const first = await play();
        expect(first.code).toBe(0);
        const won = /YOU WON! You beat the old high score 0 with (\d+)!/u.exec(logs(first)[0] ?? "");
        expect(won).not.toBeNull();
        expect(logs(first).slice(1)).toEqual([
          "[INFO] [lottery] Saving new game state...",
          "[INFO] [lottery] Done!",
          " [lottery] Thank you for playing! Exiting...",
        ]);
        const second = logs(await play())[0] ?? "";
        expect(second).toMatch(
          new RegExp(
            `^ \\[lottery\\] (?:YOU WON! You beat the old high score ${won?.[1]} with \\d+!` +
              `|YOU LOST! With \\d+ you didn't beat the high score ${won?.[1]}` +
              `|TIE! You tied with the high score ${won?.[1]})$`,
            "u",
          ),
        );
        expect(logs(await play("--slot", "1"))[0]).toMatch(
          /^ \[lottery\] YOU WON! You beat the old high score 0 with \d+!$/u,
        );
        expect(logs(await play("--reset", "--slot", "1"))).toEqual([" [lottery] Reset game slot 1."]);
        expect(await play("--slot", "8")).toMatchObject({
          code: 5,
          stderr: expect.stringContaining("[ERROR] [lottery] Invalid sector 8"),
        });
      } finally {
        await rm(join(dir, "disk.img"));
      }
    }));
});
