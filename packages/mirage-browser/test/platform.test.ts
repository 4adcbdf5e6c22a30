// The browser platform's devices that need nothing but web APIs Node also has (performance,
// crypto.getRandomValues, MessageChannel, URLSearchParams): arguments from a query string, random
// bytes past getRandomValues' 64 KiB limit, sleeps and timers measured on the monotonic clock, and
// the main loop's hooks, exit statuses and error reports.
import { ExitRequest, Hooks } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import {
  Main,
  browserClock,
  browserMClock,
  browserPClock,
  browserRandom,
  browserSleep,
  connectConsole,
  pageOutput,
  queryArgv,
} from "../src/index.js";

describe("queryArgv", () => {
  it("turns the query string into a command line, in order", () => {
    expect(queryArgv("?hello=Hi%20there&l=debug&flag&interface=ws://127.0.0.1:8090&--raw=1")).toEqual([
      "--hello=Hi there",
      "-l",
      "debug",
      "--flag",
      "--interface=ws://127.0.0.1:8090",
      "--raw=1",
    ]);
    expect(queryArgv("")).toEqual([]);
  });
});

describe("browserRandom", () => {
  it("fills more than getRandomValues' 65536 bytes a call, and only the range asked", () => {
    const bytes = browserRandom.generate(200_000);
    expect(bytes.length).toBe(200_000);
    // Each 64 KiB chunk was filled: none is left all zero.
    for (let at = 0; at < bytes.length; at += 65_536)
      expect(bytes.subarray(at, at + 65_536).some((b) => b !== 0)).toBe(true);
    const buffer = new Uint8Array(16);
    browserRandom.generateInto(buffer, 4, 8);
    expect([...buffer.subarray(0, 4), ...buffer.subarray(12)]).toEqual(new Array(8).fill(0));
    expect(() => browserRandom.generateInto(buffer, 10, 10)).toThrow(RangeError);
  });
});

describe("time", () => {
  it("sleeps at least the time asked on the monotonic clock", async () => {
    const before = browserMClock.elapsedNs();
    await browserSleep.sleepNs(20_000_000n);
    expect(browserMClock.elapsedNs() - before).toBeGreaterThanOrEqual(20_000_000n);
    expect(() => browserSleep.sleepNs(-1n)).toThrow(RangeError);
  });

  it("fires timers not before their delay, a zero delay soon, and never a cancelled one", async () => {
    const start = browserClock.now();
    const fired: string[] = [];
    const cancelled = browserClock.setTimer(5, () => fired.push("cancelled"));
    cancelled.cancel();
    await new Promise<void>((resolve) => {
      browserClock.setTimer(15, () => {
        fired.push(`late ${browserClock.now() - start >= 15}`);
        resolve();
      });
      browserClock.setTimer(0, () => fired.push("now"));
    });
    expect(fired).toEqual(["now", "late true"]);
  });

  it("reads the wall clock as days and picoseconds", () => {
    const { days, ps } = browserPClock.nowDPs();
    const ms = days * 86_400_000 + Number(ps / 1_000_000_000n);
    expect(Math.abs(ms - Date.now())).toBeLessThan(1000);
  });
});

describe("the console and the page's output", () => {
  it("writes the console to standard output, whole characters across writes", async () => {
    const written: string[] = [];
    const console = await connectConsole({ out: (t) => written.push(t), err: () => {} });
    const euro = new TextEncoder().encode("€\n");
    await console.write(euro.subarray(0, 2));
    await console.write(euro.subarray(2));
    await console.log("line");
    expect(written.join("")).toBe("€\nline\n");
    expect(await console.read()).toEqual({ ok: true, value: { kind: "eof" } });
    await console.close();
    expect(await console.write(euro)).toEqual({ ok: false, error: { kind: "closed" } });
  });

  it("has no element to write to outside a page, and still writes the browser console", () => {
    expect(() => pageOutput().out("")).not.toThrow();
  });
});

/** Runs `work` under Main.run with fresh hooks; resolves with the exit status and what was reported. */
function runMain(work: (hooks: Hooks) => Promise<unknown>): Promise<{ code: number; errors: string; trace: string[] }> {
  const hooks = new Hooks();
  const trace: string[] = [];
  let errors = "";
  hooks.atExit(async () => void trace.push("exit hook"));
  return new Promise((resolve) => {
    Main.run(work(hooks), {
      hooks,
      writeError: (text) => {
        errors += text;
      },
      onExit: (code) => resolve({ code, errors, trace }),
    });
  });
}

describe("Main", () => {
  it("runs the iteration hooks around each platform event and the exit hooks once at the end", async () => {
    const trace: string[] = [];
    const result = await runMain(async (hooks) => {
      hooks.atEnterIter(() => trace.push("enter"));
      hooks.atLeaveIter(() => trace.push("leave"));
      await browserSleep.sleepNs(1_000_000n);
      trace.push("woke");
      await new Promise<void>((resolve) => browserClock.setTimer(1, resolve));
      trace.push("timer");
    });
    expect(result).toEqual({ code: 0, errors: "", trace: ["exit hook"] });
    expect(trace.slice(0, 6)).toEqual(["enter", "woke", "leave", "enter", "timer", "leave"]);
  });

  it("exits with an ExitRequest's status, and 255 after reporting a failure", async () => {
    expect((await runMain(() => Promise.reject(new ExitRequest(64)))).code).toBe(64);
    const failed = await runMain(() => Promise.reject(new Error("boom")));
    expect(failed.code).toBe(255);
    expect(failed.errors).toMatch(/^Fatal error: Error: boom\n/u);
    expect(failed.trace).toEqual(["exit hook"]);
  });

  it("refuses a second main loop and a bad exit code", async () => {
    const done = runMain(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(() => Main.run(Promise.resolve())).toThrow(/already running/u);
    expect(() => Main.exit(256)).toThrow(RangeError);
    expect((await done).code).toBe(0);
    expect(() => Main.exit(0)).toThrow(/not running/u);
  });
});
