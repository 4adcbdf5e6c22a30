import { afterEach, describe, expect, it } from "vitest";
import { dispatch, setIterationHooks } from "../src/internal/iteration.js";
import { freePort } from "./support/ports.js";

/** Resolves in the check phase of the loop's turn, after the `setImmediate`s queued so far (the leave hooks'). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("iteration dispatch", () => {
  afterEach(() => setIterationHooks(undefined));

  it("calls the handler directly when no main loop is running", () => {
    const seen: number[] = [];
    dispatch((n: number) => seen.push(n), 1);
    expect(seen).toEqual([1]);
  });

  it("runs enter hooks once per turn before the events and leave hooks after their continuations", async () => {
    const log: string[] = [];
    setIterationHooks({ runEnterIterHooks: () => log.push("enter"), runLeaveIterHooks: () => log.push("leave") });
    await nextTurn();
    dispatch((n: number) => {
      log.push(`event ${n}`);
      void Promise.resolve().then(() => log.push("continuation 1"));
    }, 1);
    dispatch((n: number) => log.push(`event ${n}`), 2);
    expect(log).toEqual(["enter", "event 1", "event 2"]);
    await nextTurn();
    expect(log).toEqual(["enter", "event 1", "event 2", "continuation 1", "leave"]);
    dispatch((n: number) => log.push(`event ${n}`), 3);
    await nextTurn();
    expect(log.slice(5)).toEqual(["enter", "event 3", "leave"]);
  });
});

describe("platform events run inside iterations", () => {
  afterEach(() => setIterationHooks(undefined));

  /** Hooks that record whether code runs between an enter and the following leave. */
  function tracking() {
    const state = { inside: false, iterations: 0 };
    setIterationHooks({
      runEnterIterHooks: () => {
        state.inside = true;
        state.iterations++;
      },
      runLeaveIterHooks: () => {
        state.inside = false;
      },
    });
    return state;
  }

  it("dispatches sleeps, frames and console input between the enter and leave hooks", async () => {
    const { connectConsole, connectUdpTunnel, unixSleep } = await import("@mirage-ts/mirage-unix");
    const { PassThrough } = await import("node:stream");
    const state = tracking();
    await nextTurn();

    await unixSleep.sleepNs(1_000_000n);
    expect(state.inside).toBe(true); // the continuation of the wake-up runs in its iteration

    const input = new PassThrough();
    const console = await connectConsole({ input, output: new PassThrough() });
    await nextTurn();
    const reading = console.read();
    input.write("typed");
    await reading;
    expect(state.inside).toBe(true);

    const portB = await freePort("udp");
    const a = await connectUdpTunnel({ remotePort: portB });
    const b = await connectUdpTunnel({ localPort: portB, remotePort: a.localPort });
    const insideForFrames: boolean[] = [];
    void a.listen(14, () => void insideForFrames.push(state.inside));
    await nextTurn();
    for (let i = 0; i < 3; i++) await b.write(60, () => 60);
    await expect.poll(() => insideForFrames.length).toBe(3);
    expect(insideForFrames).toEqual([true, true, true]);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });
});
