import {
  ExitRequest,
  MainExit,
  type MainExitHost,
  StartupError,
  checkExitCode,
  iterations,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";

/** A platform whose "after the iteration" queue the test drains by hand. */
function platform() {
  const queued: (() => void)[] = [];
  const log: string[] = [];
  let ended: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    ended = resolve;
  });
  const host: MainExitHost = {
    afterIteration: (task) => queued.push(task),
    writeError: (text) => log.push(text),
    describe: (error) => `<${String(error)}>`,
    done: (code) => {
      log.push(`done ${code}`);
      ended(code);
    },
  };
  return { queued, log, done, host };
}

describe("MainExit: the end of a platform's main loop", () => {
  it("runs the exit hooks once after the iteration, then releases, then ends; later requests are ignored", async () => {
    const { queued, log, done, host } = platform();
    const end = new MainExit({ runExitHooks: async () => void log.push("hooks") }, host);
    end.onRelease(
      () => log.push("release a"),
      () => log.push("release b"),
    );
    end.exit(3);
    end.exit(4);
    expect(end.exiting).toBe(true);
    expect(log).toEqual([]);
    expect(queued).toHaveLength(1);
    queued.shift()?.();
    expect(await done).toBe(3);
    expect(log).toEqual(["hooks", "release a", "release b", "done 3"]);
  });

  it("exits with an ExitRequest's code, reports other failures, and reports a failing exit hook", async () => {
    const request = platform();
    new MainExit({ runExitHooks: async () => {} }, request.host).fail(new ExitRequest(63), 255);
    request.queued.shift()?.();
    expect(await request.done).toBe(63);
    expect(request.log).toEqual(["done 63"]);

    const failure = platform();
    const hooks = {
      runExitHooks: async (onError: (error: unknown) => void) => onError("hook broke"),
    };
    new MainExit(hooks, { ...failure.host, describeFatal: (error) => `fatal ${String(error)}` }).fail("boom", 255);
    failure.queued.shift()?.();
    expect(await failure.done).toBe(255);
    expect(failure.log).toEqual(["Fatal error: fatal boom\n", "Exit hook failed: <hook broke>\n", "done 255"]);
  });

  it("reports a StartupError by its message alone, whatever the platform's describeFatal", async () => {
    const startup = platform();
    const host = { ...startup.host, describeFatal: (error: unknown) => `fatal ${String(error)}` };
    new MainExit({ runExitHooks: async () => {} }, host).fail(new StartupError("tls/server.key: missing"), 255);
    startup.queued.shift()?.();
    expect(await startup.done).toBe(255);
    expect(startup.log).toEqual(["Fatal error: tls/server.key: missing\n", "done 255"]);
  });

  it("ends with a StartupError's own exit code: 64 for an argument a device refused at start", async () => {
    const bad = platform();
    const error = new StartupError("invalid interface", { exitCode: 64 });
    new MainExit({ runExitHooks: async () => {} }, bad.host).fail(error, 255);
    bad.queued.shift()?.();
    expect(await bad.done).toBe(64);
    expect(bad.log).toEqual(["Fatal error: invalid interface\n", "done 64"]);
    expect(() => new StartupError("x", { exitCode: 0 })).toThrow(
      "StartupError: exitCode must be an integer from 1 to 255, got 0",
    );
    expect(new StartupError("x", { cause: 1 }).cause).toBe(1);
  });

  it("reports one error that reaches it twice (thrown, and rejected to start) once", async () => {
    const twice = platform();
    const end = new MainExit({ runExitHooks: async () => {} }, twice.host);
    const error = new Error("tcp: cannot listen on port 80");
    end.fail(error, 255);
    end.fail(error, 255);
    end.fail(new Error("another"), 255);
    twice.queued.shift()?.();
    expect(await twice.done).toBe(255);
    expect(twice.log).toEqual([
      "Fatal error: <Error: tcp: cannot listen on port 80>\n",
      "Fatal error: <Error: another>\n",
      "done 255",
    ]);
  });

  it("checks exit codes", () => {
    expect(checkExitCode(255)).toBe(255);
    expect(() => checkExitCode(256)).toThrow("exit code must be an integer from 0 to 255, got 256");
    expect(() => checkExitCode(1.5)).toThrow(RangeError);
  });
});

describe("iterations: enter and leave hooks around a turn's events", () => {
  it("runs the enter hooks before the first event of a turn and the leave hooks after it, once", () => {
    const queued: (() => void)[] = [];
    const log: string[] = [];
    const loop = iterations((task) => queued.push(task));
    loop.dispatch((v: string) => log.push(v), "no hooks yet");
    expect(queued).toEqual([]);
    loop.setHooks({ runEnterIterHooks: () => log.push("enter"), runLeaveIterHooks: () => log.push("leave") });
    loop.dispatch((v: string) => log.push(v), "a");
    loop.dispatch((v: string) => log.push(v), "b");
    expect(queued).toHaveLength(1);
    queued.shift()?.();
    loop.dispatch((v: string) => log.push(v), "c");
    queued.shift()?.();
    expect(log).toEqual(["no hooks yet", "enter", "a", "b", "leave", "enter", "c", "leave"]);
  });
});
