import { exitCodes } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";
import { fixturesMs } from "./support/limits.js";
import { finished, runFixture, startFixture, waitForLine } from "./support/run-fixture.js";

const lifo = "exit hook 3\nexit hook 2\nexit hook 1\n";

describe("Main.run in a child process", { timeout: fixturesMs(1) }, () => {
  it("runs the exit hooks newest first, each to completion, and exits 0 when the promise resolves", async () => {
    const outcome = await runFixture("main", ["normal"]);
    expect(outcome.stdout).toBe(`done\n${lifo}`);
    expect(outcome.code).toBe(exitCodes.success);
  });

  it("prints the message and stack of a rejected promise and exits 255 after the hooks", async () => {
    const outcome = await runFixture("main", ["reject"]);
    expect(outcome.code).toBe(255);
    expect(outcome.stderr).toContain("Fatal error: Error: boom from the unikernel");
    expect(outcome.stderr).toMatch(/\n\s+at /); // the stack
    expect(outcome.stdout).toBe(lifo);
  });

  it("turns an exception thrown in a callback into exit code 255", async () => {
    const outcome = await runFixture("main", ["uncaught"]);
    expect(outcome.code).toBe(255);
    expect(outcome.stderr).toContain("TypeError: kaboom in a callback");
    expect(outcome.stdout).toBe(lifo);
  });

  it("turns an unhandled rejection into exit code 255", async () => {
    const outcome = await runFixture("main", ["unhandled-rejection"]);
    expect(outcome.code).toBe(255);
    expect(outcome.stderr).toContain("nobody handles this");
    expect(outcome.stdout).toBe(lifo);
  });

  it.each([
    ["SIGTERM", exitCodes.sigterm],
    ["SIGINT", exitCodes.sigint],
  ] as const)("runs the exit hooks on %s and exits %d", async (signal, code) => {
    const child = startFixture("main", ["wait"]);
    const outcome = finished(child);
    // A pending promise with nothing scheduled keeps the process alive, as Lwt's loop blocks: the
    // unref'd timer the fixture sets after "ready", which cannot keep it alive by itself, fires.
    await waitForLine(child, "still alive");
    expect(child.exitCode).toBeNull();
    child.kill(signal);
    const result = await outcome;
    expect(result.code).toBe(code);
    expect(result.stdout).toBe(`ready\nstill alive\n${lifo}`);
  });

  it("exits at once on a second signal while an exit hook is stuck", async () => {
    const child = startFixture("main", ["stuck-hook"]);
    const outcome = finished(child);
    await waitForLine(child, "ready");
    child.kill("SIGTERM");
    await waitForLine(child, "stuck hook started");
    child.kill("SIGINT");
    const result = await outcome;
    expect(result.code).toBe(exitCodes.sigint);
    expect(result.stderr).toContain("SIGINT received while running exit hooks: exiting now");
  });

  it("exits with the code given to Main.exit after the hooks", async () => {
    const outcome = await runFixture("main", ["exit"]);
    expect(outcome.code).toBe(7);
    expect(outcome.stdout).toBe(lifo);
  });

  it("exits with the code of an ExitRequest", async () => {
    const outcome = await runFixture("main", ["exit-request"]);
    expect(outcome.code).toBe(exitCodes.argumentError);
    expect(outcome.stdout).toBe(lifo);
    expect(outcome.stderr).toBe("");
  });

  it("exits 63 after --help printed the manual", async () => {
    const outcome = await runFixture("main", ["help"]);
    expect(outcome.code).toBe(exitCodes.helpVersion);
    expect(outcome.stdout).toContain("--verbose");
    expect(outcome.stdout.endsWith(lifo)).toBe(true);
  });

  it("runs the iteration hooks around the dispatch of timer events", async () => {
    const outcome = await runFixture("main", ["iterations"]);
    expect(outcome.code).toBe(0);
    const match = /entered (\d+) left (\d+)/.exec(outcome.stdout);
    expect(match).not.toBeNull();
    const [entered, left] = [Number(match?.[1]), Number(match?.[2])];
    expect(entered).toBeGreaterThanOrEqual(3); // one per sleep at least
    expect(left).toBe(entered);
  });
});
