import { Hooks } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";

describe("iteration hooks", () => {
  it("run the last registered first", () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.atEnterIter(() => order.push("first"));
    hooks.atEnterIter(() => order.push("second"));
    hooks.atEnterIter(() => order.push("third"));
    hooks.runEnterIterHooks();
    expect(order).toEqual(["third", "second", "first"]);
  });

  it("run on every iteration, enter and leave hooks separately", () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.atEnterIter(() => order.push("enter"));
    hooks.atLeaveIter(() => order.push("leave"));
    for (let i = 0; i < 2; i++) {
      hooks.runEnterIterHooks();
      hooks.runLeaveIterHooks();
    }
    expect(order).toEqual(["enter", "leave", "enter", "leave"]);
  });

  it("run a hook added during an iteration from the next iteration on", () => {
    const hooks = new Hooks();
    const order: string[] = [];
    let added = false;
    hooks.atEnterIter(() => {
      order.push("outer");
      if (!added) {
        added = true;
        hooks.atEnterIter(() => order.push("inner"));
      }
    });
    hooks.runEnterIterHooks();
    expect(order).toEqual(["outer"]);
    hooks.runEnterIterHooks();
    expect(order).toEqual(["outer", "inner", "outer"]);
  });

  it("apply the same rule to leave hooks", () => {
    const hooks = new Hooks();
    let ran = 0;
    hooks.atLeaveIter(() => hooks.atLeaveIter(() => ran++));
    hooks.runLeaveIterHooks();
    expect(ran).toBe(0);
    hooks.runLeaveIterHooks();
    expect(ran).toBe(1);
  });

  it("let an exception escape to the main loop and skip the older hooks", () => {
    const hooks = new Hooks();
    let olderRan = false;
    hooks.atEnterIter(() => {
      olderRan = true;
    });
    hooks.atEnterIter(() => {
      throw new Error("boom");
    });
    expect(() => hooks.runEnterIterHooks()).toThrow("boom");
    expect(olderRan).toBe(false);
  });
});

describe("exit hooks", () => {
  it("run sequentially, the last registered first, each awaited", async () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.atExit(async () => {
      order.push("first:start");
      await Promise.resolve();
      order.push("first:end");
    });
    hooks.atExit(async () => {
      order.push("second:start");
      await new Promise((resolve) => setImmediate(resolve)); // a later turn of the event loop
      order.push("second:end");
    });
    hooks.atExit(() => {
      order.push("third");
    });
    await hooks.runExitHooks();
    expect(order).toEqual(["third", "second:start", "second:end", "first:start", "first:end"]);
  });

  it("report a hook that throws or rejects and still run the others", async () => {
    const hooks = new Hooks();
    const ran: string[] = [];
    const reported: unknown[] = [];
    hooks.atExit(() => {
      ran.push("oldest");
    });
    hooks.atExit(() => {
      throw new Error("sync failure");
    });
    hooks.atExit(async () => {
      ran.push("middle");
      throw new Error("async failure");
    });
    hooks.atExit(() => {
      ran.push("newest");
    });
    await hooks.runExitHooks((error) => reported.push(error));
    expect(ran).toEqual(["newest", "middle", "oldest"]);
    expect(reported.map((error) => (error as Error).message)).toEqual(["async failure", "sync failure"]);
  });

  it("swallow failures when no reporter is given, as upstream", async () => {
    const hooks = new Hooks();
    let ran = false;
    hooks.atExit(() => {
      ran = true;
    });
    hooks.atExit(() => Promise.reject(new Error("ignored")));
    await expect(hooks.runExitHooks()).resolves.toBeUndefined();
    expect(ran).toBe(true);
  });

  it("run each hook once; a later call runs only hooks registered since", async () => {
    const hooks = new Hooks();
    const counts = { early: 0, late: 0 };
    hooks.atExit(() => {
      counts.early++;
    });
    await hooks.runExitHooks();
    await hooks.runExitHooks();
    expect(counts).toEqual({ early: 1, late: 0 });
    hooks.atExit(() => {
      counts.late++;
    });
    await hooks.runExitHooks();
    expect(counts).toEqual({ early: 1, late: 1 });
  });

  it("run a hook registered by an exit hook in the same pass", async () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.atExit(() => {
      order.push("oldest");
    });
    hooks.atExit(() => {
      order.push("registering");
      hooks.atExit(() => {
        order.push("registered during exit");
      });
    });
    await hooks.runExitHooks();
    expect(order).toEqual(["registering", "registered during exit", "oldest"]);
  });

  it("share one pass between concurrent calls", async () => {
    const hooks = new Hooks();
    let runs = 0;
    hooks.atExit(async () => {
      runs++;
      await new Promise((resolve) => setImmediate(resolve)); // a later turn of the event loop
    });
    const first = hooks.runExitHooks();
    const second = hooks.runExitHooks();
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(runs).toBe(1);
  });
});
