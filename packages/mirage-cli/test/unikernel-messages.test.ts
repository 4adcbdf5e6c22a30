// What a built unikernel tells the person running it: its version, its exit statuses, the quoting
// hint after a bad argument, a fatal error located in the TypeScript source, a port it cannot bind, a
// key that does not match its certificate.
// Each example is configured and built in a temporary copy, then its bundle runs with node.
import { readFileSync } from "node:fs";
import { chmod, readFile } from "node:fs/promises";
import { type Server, createServer } from "node:net";
import { join } from "node:path";
import { describeRequiring, itRequiring, makePki, missingRoot, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildsMs } from "./support/limits.js";
import { ROOT, exampleCopy, mirage, node, removeProject, run } from "./support/project.js";

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d): /u;

/** A copy of `examples/<name>` (with `extra` files), configured with `configure` and built. */
async function built(
  name: string,
  configure: readonly string[] = [],
  extra: Readonly<Record<string, string>> = {},
): Promise<string> {
  const dir = await exampleCopy(name, extra);
  expect(await mirage(dir, ["configure", "-t", "unix", ...configure])).toMatchObject({ code: 0, stderr: "" });
  const build = await mirage(dir, ["build", "-q"]);
  expect(build, build.stderr).toMatchObject({ code: 0, stderr: "" });
  return dir;
}

describe("hello-key's messages", { timeout: buildsMs(1) }, () => {
  let dir = "";
  beforeAll(async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "examples/hello-key/package.json"), "utf8")) as object;
    dir = await built("hello-key", [], { "package.json": JSON.stringify({ ...manifest, version: "2.3.4-rc.1" }) });
  }, buildsMs(1));
  afterAll(() => removeProject(dir));

  it("--version prints the version of its package.json", async () => {
    expect(await node(dir, ["dist/hello-key.mjs", "--version"])).toEqual({
      code: 63,
      stdout: "2.3.4-rc.1\n",
      stderr: "",
    });
  });

  it("--help lists the exit statuses of the unix platform, and not Solo5's", async () => {
    const help = await node(dir, ["dist/hello-key.mjs", "--help=plain"]);
    expect(help.code).toBe(63);
    const statuses = help.stdout.slice(help.stdout.indexOf("EXIT STATUS"));
    expect([...statuses.matchAll(/\n {7}(\d+) +on /gu)].map((m) => Number(m[1]))).toEqual([
      0, 63, 64, 125, 130, 143, 255,
    ]);
    expect(statuses).not.toContain("Solo5");
  });

  it("the quoting hint about its own --hello follows a value a space cut, not every bad argument", async () => {
    const hint =
      "Hint: To pass a space, it needs to be escaped twice: --hello='Hello,\\ world!'\n" +
      "      Another possibility is: --hello='\"Hello, world!\"'\n";
    expect(await node(dir, ["dist/hello-key.mjs", "--delay=soon"])).toEqual({
      code: 64,
      stdout: "",
      stderr:
        "hello-key: option '--delay': invalid value 'soon', expected an integer\n" +
        "Usage: hello-key [OPTION]…\n" +
        "Try 'hello-key --help' for more information.\n",
    });
    // A value cut in two by a space that was not escaped twice.
    const cut = await node(dir, ["dist/hello-key.mjs", "--hello=Hello,", "world!"]);
    expect(cut.stderr).toBe(
      "hello-key: too many arguments, don't know what to do with 'world!'\n" +
        "Usage: hello-key [OPTION]…\n" +
        "Try 'hello-key --help' for more information.\n" +
        hint,
    );
  });
});

describe("fatal errors", { timeout: buildsMs(1) }, () => {
  it("an exception of the unikernel names its class, its TypeScript file and line, and exits 255", async () => {
    const source = (await readFile(join(ROOT, "examples/hello/unikernel.ts"), "utf8"))
      .replace('log.info("hello");', "refuse();")
      .concat(
        "\nclass Refusal extends Error {}\n\nfunction refuse(): never {\n" +
          '  throw new Refusal("hello refused");\n}\n',
      );
    const line = source.split("\n").findIndex((l) => l.includes("throw new Refusal")) + 1;
    const dir = await built("hello", [], { "unikernel.ts": source });
    try {
      const r = await node(dir, ["dist/hello.mjs"]);
      expect(r.code).toBe(255);
      const report = r.stderr.split("\n");
      // The class keeps its name in the minified bundle.
      expect(report[0]).toBe("Fatal error: Refusal [Error]: hello refused");
      expect(report[1]).toBe(`    at refuse (${join(dir, "unikernel.ts")}:${line}:9)`);
      expect(report[2]).toMatch(
        new RegExp(`^ {4}at Object\\.start \\(${join(dir, "unikernel\\.ts")}:\\d+:\\d+\\)$`, "u"),
      );
    } finally {
      await removeProject(dir);
    }
  });
});

describe("network's listen failures on the socket stack", { timeout: buildsMs(1) }, () => {
  let dir = "";
  beforeAll(async () => {
    dir = await built("network", ["--net=socket"]);
  }, buildsMs(1));
  afterAll(() => removeProject(dir));

  /** What the unikernel printed besides its log lines. */
  const report = (stderr: string): string[] => stderr.split("\n").filter((l) => !LOG_LINE.test(l));

  it("a port in use is named with its cause once, without a stack, and exits 255", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await node(dir, ["dist/network.mjs", `--port=${port}`]);
      expect(r).toMatchObject({ code: 255, stdout: "" });
      expect(report(r.stderr)).toEqual([
        `Fatal error: tcp: cannot listen on port ${port}: address already in use (EADDRINUSE); ` +
          "another program listens there: stop it or choose another port",
        "",
      ]);
      // No start-up line claims a port it never had.
      expect(r.stderr).not.toContain("listening on port");
    } finally {
      blocker.close();
    }
  });

  itRequiring(
    missingRoot() ?? missingTools("runuser") ?? missingPrivilegedPort(),
    "a privileged port refused to an unprivileged user says so and what to do, and exits 255",
    {},
    async () => {
      // The user nobody runs the bundle: it must reach the project, which mkdtemp made private.
      await chmod(dir, 0o755);
      const port = privilegedPort();
      const r = await run("runuser", ["-u", "nobody", "--", process.execPath, "dist/network.mjs", `--port=${port}`], {
        cwd: dir,
      });
      expect(r).toMatchObject({ code: 255, stdout: "" });
      expect(report(r.stderr)).toEqual([
        `Fatal error: tcp: cannot listen on port ${port}: permission denied (EACCES); ` +
          "a port below 1024 needs root or the CAP_NET_BIND_SERVICE capability: choose a port from 1024",
        "",
      ]);
    },
  );
});

describeRequiring(missingTools("openssl"), "static-website-tls's certificate failures", {}, () => {
  it(
    "a key that does not match the certificate is named in one line, without a stack, and exits 255",
    async () => {
      const site = makePki(["localhost"]);
      const other = makePki(["other.test"]);
      try {
        const dir = await built("static-website-tls", ["--net=socket"], {
          "tls/server.pem": site.certPem.toString(),
          "tls/server.key": other.keyPem.toString(),
        });
        try {
          const r = await node(dir, ["dist/https.mjs", "--http-port=18080", "--https-port=18443"]);
          expect(r).toMatchObject({ code: 255, stdout: "" });
          expect(r.stderr.split("\n").filter((l) => !LOG_LINE.test(l))).toEqual([
            "Fatal error: server.key: the key does not match the certificate server.pem",
            "",
          ]);
        } finally {
          await removeProject(dir);
        }
      } finally {
        site.remove();
        other.remove();
      }
    },
    buildsMs(1),
  );
});

describeRequiring(missingTools("openssl"), "static-website-tls's start-up line", {}, () => {
  it(
    "says it serves once both ports are bound (a redirect port in use ends it first); refuses --https-port without TLS",
    async () => {
      const site = makePki(["localhost"]);
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, resolve));
      const { port: taken } = blocker.address() as { port: number };
      try {
        const dir = await built("static-website-tls", ["--net=socket"], {
          "tls/server.pem": site.certPem.toString(),
          "tls/server.key": site.keyPem.toString(),
        });
        try {
          const r = await node(dir, ["dist/https.mjs", `--http-port=${taken}`, `--https-port=${taken + 1}`]);
          expect(r).toMatchObject({ code: 255, stdout: "" });
          expect(r.stderr.split("\n").filter((l) => !LOG_LINE.test(l))).toEqual([
            `Fatal error: tcp: cannot listen on port ${taken}: address already in use (EADDRINUSE); ` +
              "another program listens there: stop it or choose another port",
            "",
          ]);
          expect(r.stderr).not.toContain("serving");
          // --https-port without TLS is refused before anything starts, in one line.
          const plain = await node(dir, ["dist/https.mjs", "--tls=false", `--https-port=${taken + 1}`]);
          expect(plain).toEqual({
            code: 64,
            stdout: "",
            stderr:
              "https: option '--https-port' needs '--tls=true': with --tls=false nothing listens on the HTTPS " +
              "port; drop --https-port, or add --tls=true\n",
          });
        } finally {
          await removeProject(dir);
        }
      } finally {
        blocker.close();
        site.remove();
      }
    },
    buildsMs(1),
  );
});

// The first port an unprivileged user may bind (Linux's net.ipv4.ip_unprivileged_port_start).
function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").trim());
  } catch {
    return 1024;
  }
}

function privilegedPort(): number {
  return unprivilegedPortStart() - 1;
}

function missingPrivilegedPort(): string | undefined {
  return unprivilegedPortStart() > 1 ? undefined : "every port is unprivileged here (ip_unprivileged_port_start)";
}
