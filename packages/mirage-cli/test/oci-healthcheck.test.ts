// Docker's health check of an `--oci` image (from `--health`): its place in the config, its timing
// (the Kubernetes probes'), and its script, run here by the host's node against servers of the
// test's own that answer well, badly or not at all.
import { execFile } from "node:child_process";
import { type Server, createServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { Health } from "../src/kubernetes/health.js";
import { dockerHealthcheck, healthScript } from "../src/oci/healthcheck.js";
import { buildImage } from "../src/oci/image.js";

/** The exit code of `node -e` running the check of `health`. */
function check(health: Health): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", healthScript(health)], (error) => {
      resolve(error === null ? 0 : typeof error.code === "number" ? error.code : -1);
    });
  });
}

/** An HTTP server on a loopback port answering `status`; `run` gets its port. */
async function withHttp(status: number, run: (port: number) => Promise<void>): Promise<void> {
  const server: Server = createServer((request, response) => {
    response.writeHead(request.url === "/healthz" ? status : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("Docker's health check", () => {
  it("passes on a 2xx or 3xx answer of the path, fails on another status", async () => {
    for (const [status, code] of [
      [200, 0],
      [302, 0],
      [503, 1],
    ] as const)
      await withHttp(status, async (port) => {
        expect(await check({ kind: "http", port, path: "/healthz" })).toBe(code);
      });
  });

  it("passes when the TCP port accepts, fails when nothing listens there", async () => {
    const server = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await check({ kind: "tcp", port })).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await check({ kind: "tcp", port })).toBe(1);
    expect(await check({ kind: "http", port, path: "/" })).toBe(1);
  });

  it("runs the image's node at the probes' pace, in nanoseconds", () => {
    const health: Health = { kind: "tcp", port: 53 };
    expect(dockerHealthcheck(health, "/usr/local/bin/node")).toEqual({
      Test: ["CMD", "/usr/local/bin/node", "-e", healthScript(health)],
      Interval: 10_000_000_000,
      Timeout: 2_000_000_000,
      StartPeriod: 5_000_000_000,
      Retries: 3,
    });
  });

  it("is in the image's config when given, absent otherwise", async () => {
    const options = {
      name: "hello",
      reference: "localhost/hello:latest",
      files: new Map([["hello.mjs", Buffer.from("")]]),
      args: [],
      mtime: 0,
      nodeBinary: "/bin/true",
    };
    const config = async (healthcheck?: Health) => {
      const image = await buildImage({ ...options, healthcheck });
      return (JSON.parse(Buffer.from(image.config.data).toString("utf8")) as { config: Record<string, unknown> })
        .config;
    };
    const health: Health = { kind: "http", port: 8080, path: "/" };
    expect((await config(health)).Healthcheck).toEqual(dockerHealthcheck(health, "/usr/local/bin/node"));
    expect((await config()).Healthcheck).toBeUndefined();
  });
});
