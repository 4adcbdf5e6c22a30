import { ExitRequest, StartupError, createRuntime } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { MainController, type MainHost } from "../src/internal/main-controller.js";
import { ListenError } from "../src/socket-stack/listen-error.js";

/** Resolves after the check phase of the event loop's current turn: after the `setImmediate`s queued so far. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A host that records what the controller does instead of touching the process. */
function fakeHost() {
  const signals = new Map<string, () => void>();
  let uncaught: ((error: unknown) => void) | undefined;
  let alive = 0;
  const events: string[] = [];
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => (exited = resolve));
  const host: MainHost = {
    onSignal(signal, handler) {
      signals.set(signal, handler);
      return () => signals.delete(signal);
    },
    onUncaught(handler) {
      uncaught = handler;
      return () => (uncaught = undefined);
    },
    keepAlive() {
      alive++;
      return () => alive--;
    },
    writeError(text) {
      events.push(`stderr: ${text}`);
    },
    exit(code) {
      events.push(`exit ${code}`);
      exited(code);
    },
  };
  return {
    host,
    events,
    exit,
    signal: (name: string) => signals.get(name)?.(),
    uncaught: (error: unknown) => uncaught?.(error),
    get alive() {
      return alive;
    },
    get listening() {
      return signals.size + (uncaught === undefined ? 0 : 1);
    },
  };
}

function setup() {
  const runtime = createRuntime();
  const host = fakeHost();
  for (const n of [1, 2, 3]) runtime.hooks.atExit(() => void host.events.push(`hook ${n}`));
  return { runtime, host, controller: new MainController(runtime.hooks, host.host) };
}

describe("MainController", () => {
  it("runs the exit hooks LIFO then exits 0 and releases the process", async () => {
    const { host, controller } = setup();
    controller.start(Promise.resolve());
    expect(host.alive).toBe(1);
    expect(await host.exit).toBe(0);
    expect(host.events).toEqual(["hook 3", "hook 2", "hook 1", "exit 0"]);
    expect(host.alive).toBe(0);
    expect(host.listening).toBe(0);
  });

  it("awaits each asynchronous exit hook before the next", async () => {
    const { runtime, host, controller } = setup();
    let started: () => void = () => {};
    const slowHookStarted = new Promise<void>((resolve) => (started = resolve));
    let release: () => void = () => {};
    runtime.hooks.atExit(async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
      host.events.push("slow hook");
    });
    controller.start(Promise.resolve());
    await slowHookStarted;
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(host.events).toEqual([]); // the older hooks wait for it
    release();
    await host.exit;
    expect(host.events).toEqual(["slow hook", "hook 3", "hook 2", "hook 1", "exit 0"]);
  });

  it("reports a failing exit hook and still runs the others", async () => {
    const { runtime, host, controller } = setup();
    runtime.hooks.atExit(() => {
      throw new Error("hook trouble");
    });
    controller.start(Promise.resolve());
    await host.exit;
    expect(host.events[0]).toContain("Exit hook failed: Error: hook trouble");
    expect(host.events.slice(1)).toEqual(["hook 3", "hook 2", "hook 1", "exit 0"]);
  });

  it("exits 255 with the error and its stack when the promise rejects", async () => {
    const { host, controller } = setup();
    controller.start(Promise.reject(new RangeError("out of range")));
    expect(await host.exit).toBe(255);
    expect(host.events[0]).toMatch(/^stderr: Fatal error: RangeError: out of range\n\s+at /);
    expect(host.events.slice(1)).toEqual(["hook 3", "hook 2", "hook 1", "exit 255"]);
  });

  it("exits 255 with the message alone, once, when a listener cannot bind its port", async () => {
    const { host, controller } = setup();
    controller.start(new Promise(() => {}));
    const inUse = Object.assign(new Error("listen EADDRINUSE: address already in use :::8080"), {
      code: "EADDRINUSE",
      errno: -98,
    });
    host.uncaught(new ListenError("tcp", 8080, inUse));
    expect(await host.exit).toBe(255);
    expect(host.events).toEqual([
      "stderr: Fatal error: tcp: cannot listen on port 8080: address already in use (EADDRINUSE); " +
        "another program listens there: stop it or choose another port\n",
      "hook 3",
      "hook 2",
      "hook 1",
      "exit 255",
    ]);
  });

  it("exits 255 with the message alone when the start fails on something the operator can fix", async () => {
    const { host, controller } = setup();
    controller.start(Promise.reject(new StartupError("tls/server.key: the key does not match the certificate")));
    expect(await host.exit).toBe(255);
    expect(host.events).toEqual([
      "stderr: Fatal error: tls/server.key: the key does not match the certificate\n",
      "hook 3",
      "hook 2",
      "hook 1",
      "exit 255",
    ]);
  });

  it("prints non-Error rejections too", async () => {
    const { host, controller } = setup();
    controller.start(Promise.reject({ reason: "plain object" }));
    expect(await host.exit).toBe(255);
    expect(host.events[0]).toContain("reason: 'plain object'");
  });

  it("exits with the code of an ExitRequest, silently", async () => {
    const { host, controller } = setup();
    controller.start(Promise.reject(new ExitRequest(63)));
    expect(await host.exit).toBe(63);
    expect(host.events).toEqual(["hook 3", "hook 2", "hook 1", "exit 63"]);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ])("exits %s with %d after the hooks", async (signal, code) => {
    const { host, controller } = setup();
    controller.start(new Promise(() => {}));
    host.signal(signal);
    expect(await host.exit).toBe(code);
    expect(host.events).toEqual(["hook 3", "hook 2", "hook 1", `exit ${code}`]);
  });

  it("exits at once on a second signal while the hooks run", async () => {
    const { runtime, host, controller } = setup();
    let stuck: () => void = () => {};
    const hookStuck = new Promise<void>((resolve) => (stuck = resolve));
    runtime.hooks.atExit(
      () =>
        new Promise(() => {
          host.events.push("stuck");
          stuck();
        }),
    );
    controller.start(new Promise(() => {}));
    host.signal("SIGTERM");
    await hookStuck;
    expect(host.events).toEqual(["stuck"]);
    host.signal("SIGINT");
    expect(await host.exit).toBe(130);
    expect(host.events[1]).toContain("SIGINT received while running exit hooks");
  });

  it("runs the hooks once however many ways out are taken; the first one sets the code", async () => {
    const { host, controller } = setup();
    controller.start(Promise.resolve()); // settles in a microtask, after the explicit exit
    controller.exit(9);
    host.uncaught(new Error("late"));
    expect(await host.exit).toBe(9);
    // A second run of the hooks would start from a setImmediate, as the first did.
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(host.events.filter((e) => e.startsWith("hook"))).toEqual(["hook 3", "hook 2", "hook 1"]);
    expect(host.events.find((e) => e.includes("late"))).toContain("Fatal error: Error: late");
  });

  it("treats an uncaught exception as fatal", async () => {
    const { host, controller } = setup();
    controller.start(new Promise(() => {}));
    host.uncaught(new Error("thrown in a callback"));
    expect(await host.exit).toBe(255);
    expect(host.events[0]).toContain("Fatal error: Error: thrown in a callback");
  });
});
