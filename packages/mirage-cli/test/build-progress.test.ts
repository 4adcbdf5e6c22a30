// The steps of `mirage build` with their times on a terminal, plain output on CI or through a
// pipe: the formatter with an injected clock, and the built tool under a pseudo-terminal
// (`script` from util-linux) against a pipe.

import { stripVTControlCharacters } from "node:util";
import { itRequiring, missingTools } from "@mirage-ts/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { Progress, isInteractive } from "../src/internal/progress.js";
import { buildsMs } from "./support/limits.js";
import { BIN, helloFiles, mirage, project, removeProject, run } from "./support/project.js";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map(removeProject));
});

function recorder(interactive: boolean, quiet = false) {
  let time = 0;
  const out: string[] = [];
  const logged: string[] = [];
  const progress = new Progress(
    {
      interactive,
      quiet,
      write: (text) => out.push(text),
      log: (message) => logged.push(message),
      now: () => time,
    },
    2,
  );
  return { progress, out, logged, advance: (ms: number) => (time += ms) };
}

describe("the steps of mirage build", () => {
  it("on a terminal: each step while it runs, then rewritten with its outcome and time", async () => {
    const r = recorder(true);
    await r.progress.step("Type-checking mirage/main.ts (TypeScript 7.0.2)", async () => {
      expect(r.out).toEqual(["[1/2] Type-checking mirage/main.ts (TypeScript 7.0.2)…"]);
      r.advance(412);
      return { ok: true };
    });
    await r.progress.step("Bundling dist/hello.mjs", async () => {
      r.advance(95);
      return { ok: true, detail: "18.3 KiB" };
    });
    expect(r.out.join("")).toBe(
      "[1/2] Type-checking mirage/main.ts (TypeScript 7.0.2)…" +
        "\r\u001b[2K[1/2] Type-checking mirage/main.ts (TypeScript 7.0.2) ✓ 0.41 s\n" +
        "[2/2] Bundling dist/hello.mjs…\r\u001b[2K[2/2] Bundling dist/hello.mjs ✓ 0.10 s, 18.3 KiB\n",
    );
    expect(r.logged).toEqual([]);
  });

  it("marks a failed step, and ends its line when the step throws", async () => {
    const r = recorder(true);
    await r.progress.step("Type-checking x", async () => ({ ok: false, detail: "2 errors" }));
    await expect(
      r.progress.step("Bundling y", async () => {
        throw new Error("bundling failed");
      }),
    ).rejects.toThrow("bundling failed");
    expect(r.out.join("")).toBe(
      "[1/2] Type-checking x…\r\u001b[2K[1/2] Type-checking x ✗ 0.00 s, 2 errors\n" +
        "[2/2] Bundling y…\r\u001b[2K[2/2] Bundling y ✗ 0.00 s\n",
    );
  });

  it("plain: nothing written, the steps are log lines (shown with -v); -q hides them too", async () => {
    const plain = recorder(false);
    await plain.progress.step("Bundling dist/hello.mjs", async () => {
      plain.advance(1234);
      return { ok: true, detail: "18.3 KiB" };
    });
    expect(plain.out).toEqual([]);
    expect(plain.logged).toEqual(["[1/2] Bundling dist/hello.mjs: done in 1.23 s, 18.3 KiB"]);
    const quiet = recorder(true, true);
    await quiet.progress.step("Bundling", async () => ({ ok: true }));
    expect([...quiet.out, ...quiet.logged]).toEqual([]);
  });

  it("is interactive only when both streams are terminals and CI is not set", () => {
    const tty = { isTTY: true };
    expect(isInteractive(tty, tty, {})).toBe(true);
    expect(isInteractive(tty, tty, { CI: "false" })).toBe(true);
    expect(isInteractive(tty, tty, { CI: "true" })).toBe(false);
    expect(isInteractive(tty, tty, { CI: "1" })).toBe(false);
    expect(isInteractive({}, tty, {})).toBe(false);
    expect(isInteractive(tty, { isTTY: false }, {})).toBe(false);
  });
});

describe.concurrent("mirage build on a terminal and through a pipe", { timeout: buildsMs(3) }, () => {
  itRequiring(missingTools("script"), "shows the steps with times under a pseudo-terminal", {}, async () => {
    const dir = await project(helloFiles());
    made.push(dir);
    expect((await mirage(dir, ["configure"])).code).toBe(0);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} build`;
    const tty = await run("script", ["-qec", command, "/dev/null"], { cwd: dir, env: { CI: "" } });
    expect(tty.code).toBe(0);
    // Each step's line is rewritten in place (erase line, green mark); what remains visible:
    expect(tty.stdout).toContain("\r\u001b[2K[1/2] Type-checking");
    const screen = stripVTControlCharacters(tty.stdout).replaceAll("\r\n", "\n");
    expect(screen).toMatch(
      /\[1\/2\] Type-checking mirage\/main\.ts \(TypeScript \d+\.\d+\.\d+\)…\r[^\n]*✓[^\n]* \d+\.\d\d s[^\n]*\n/u,
    );
    expect(screen).toMatch(/\[2\/2\] Bundling dist\/hello\.mjs…\r[^\n]*✓[^\n]* \d+\.\d\d s, [\d.]+ KiB[^\n]*\n/u);
    expect(screen).toContain("Your unikernel binary is now ready in dist/hello.mjs\n");
    // The same terminal on CI: plain.
    const ci = await run("script", ["-qec", command, "/dev/null"], { cwd: dir, env: { CI: "true" } });
    expect(ci.stdout.replaceAll("\r\n", "\n")).toBe(
      "Your unikernel binary is now ready in dist/hello.mjs\nRun it with: node dist/hello.mjs\n",
    );
    // Through a pipe, with -v: the steps as log lines.
    const piped = await mirage(dir, ["build", "-v"]);
    expect(piped.stderr).toMatch(
      /^mirage: \[INFO\] \[1\/2\] Type-checking mirage\/main\.ts \(TypeScript \d+\.\d+\.\d+\): done in \d+\.\d\d s$/mu,
    );
    expect(piped.stderr).toMatch(
      /^mirage: \[INFO\] \[2\/2\] Bundling dist\/hello\.mjs: done in \d+\.\d\d s, [\d.]+ KiB$/mu,
    );
  });
});
