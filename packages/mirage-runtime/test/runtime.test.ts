import {
  ExitRequest,
  atEnterIter,
  atExit,
  atLeaveIter,
  calledTooEarly,
  createDefaultReporter,
  createRuntime,
  delayArg,
  logSource,
  logsArg,
  name,
  nameArg,
  registerArg,
  runEnterIterHooks,
  runExitHooks,
  runLeaveIterHooks,
  runtime,
  setLevel,
  setName,
  setReporter,
  withArgv,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { captureOutput, runArgv } from "./capture.js";

describe("createRuntime", () => {
  it("gives independent runtimes", () => {
    const a = createRuntime();
    const b = createRuntime();
    expect(a.hooks).not.toBe(b.hooks);
    runArgv(a.args, []);
    expect(a.args.parsed).toBe(true);
    expect(b.args.parsed).toBe(false);
    expect(a.args.registered()).toEqual([nameArg]);
  });

  it("names the unikernel from --name, else setName, else no-name", () => {
    const given = createRuntime();
    given.setName("configured");
    runArgv(given.args, ["--name=from-command-line"]);
    expect(given.name()).toBe("from-command-line");

    const configured = createRuntime();
    configured.setName("configured");
    runArgv(configured.args, []);
    expect(configured.name()).toBe("configured");

    const anonymous = createRuntime();
    runArgv(anonymous.args, []);
    expect(anonymous.name()).toBe("no-name");
  });

  it("refuses to name the unikernel before parsing, as upstream", () => {
    const early = createRuntime();
    early.setName("configured");
    expect(() => early.name()).toThrow(calledTooEarly);
  });

  it("boots like a generated main: arguments, delay, log thresholds, reporter", () => {
    const rt = createRuntime();
    const delay = rt.args.registerArg(delayArg);
    const logs = rt.args.registerArg(logsArg);
    const tcp = rt.logs.source("tcp");
    const lines: string[] = [];
    const output = captureOutput();
    rt.args.withArgv("hello", ["--delay=2", "-l", "*:warning,tcp:debug,nope:info"], output);
    rt.logs.setLevel("info", logs(), output);
    rt.logs.reporter = createDefaultReporter({
      sink: (line) => lines.push(line),
      clock: { now: () => new Date(0), currentTzOffsetS: () => 0 },
    });
    rt.setName("hello");
    expect(delay()).toBe(2);
    expect(output.stdout()).toBe("WARNING: nope is not a valid log source.\n");
    tcp.debug("debugging");
    rt.logs.source("udp").info("filtered out");
    expect(lines).toEqual(["1970-01-01T00:00:00Z: [DEBUG] [tcp] debugging"]);
    expect(rt.name()).toBe("hello");
  });
});

// These use the process-wide default runtime, so they run in order and parse the command line once.
describe("the default runtime", () => {
  it("collects hooks through the module functions", async () => {
    const order: string[] = [];
    atEnterIter(() => order.push("enter"));
    atLeaveIter(() => order.push("leave"));
    atExit(() => {
      order.push("exit");
    });
    runEnterIterHooks();
    runLeaveIterHooks();
    await runExitHooks();
    expect(order).toEqual(["enter", "leave", "exit"]);
  });

  it("registers, parses and logs through the module functions", () => {
    const delay = registerArg(delayArg);
    const logs = registerArg(logsArg);
    const lines: string[] = [];
    const source = logSource("default-test", "a test source");
    const output = captureOutput();
    expect(() => withArgv("default", ["--version"], output, { version: "9.9" })).toThrow(ExitRequest);
    expect(output.stdout()).toBe("9.9\n");
    withArgv("default", ["--delay=1", "-l", "default-test:debug"], output);
    setLevel("info", logs(), output);
    setReporter((event) => lines.push(`${event.source}:${event.message}`));
    setName("configured");
    source.debug("visible");
    expect(delay()).toBe(1);
    expect(lines).toEqual(["default-test:visible"]);
    expect(name()).toBe("configured");
    expect(runtime.args.parsed).toBe(true);
    expect(() => registerArg(delayArg)).toThrow("called to late");
  });
});
