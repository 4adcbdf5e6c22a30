import {
  type LogThreshold,
  createRuntime,
  logThresholdConv,
  logThresholdsConv,
  logsArg,
  parseLogLevel,
  parseLogThreshold,
  printLogThreshold,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { runArgv } from "./capture.js";

describe("parseLogThreshold", () => {
  it.each<[string, LogThreshold]>([
    ["quiet", { kind: "all", level: "quiet" }],
    ["app", { kind: "all", level: "app" }],
    ["error", { kind: "all", level: "error" }],
    ["warning", { kind: "all", level: "warning" }],
    ["info", { kind: "all", level: "info" }],
    ["debug", { kind: "all", level: "debug" }],
    ["*:info", { kind: "all", level: "info" }],
    ["*:quiet", { kind: "all", level: "quiet" }],
    ["tcp:debug", { kind: "source", source: "tcp", level: "debug" }],
    ["tcp.tracing:warning", { kind: "source", source: "tcp.tracing", level: "warning" }],
    [":debug", { kind: "source", source: "", level: "debug" }],
  ])("reads %j", (text, threshold) => {
    expect(parseLogThreshold(text)).toEqual({ ok: true, value: threshold });
  });

  it.each([
    ["a:b:c", "Can't parse log threshold: a:b:c"],
    ["tcp:debug:x", "Can't parse log threshold: tcp:debug:x"],
    ["verbose", `Can't parse log threshold: verbose ("verbose": unknown log level)`],
    ["*:loud", `Can't parse log threshold: *:loud ("loud": unknown log level)`],
    ["*:debgu", `Can't parse log threshold: *:debgu ("debgu": unknown log level. Did you mean 'debug'?)`],
    ["tcp:inof", `Can't parse log threshold: tcp:inof ("inof": unknown log level. Did you mean 'info'?)`],
    ["tcp:", `Can't parse log threshold: tcp: ("": unknown log level)`],
    ["*", `Can't parse log threshold: * ("*": unknown log level)`],
    ["INFO", `Can't parse log threshold: INFO ("INFO": unknown log level)`],
  ])("refuses %j", (text, error) => {
    expect(parseLogThreshold(text)).toEqual({ ok: false, error });
  });

  it("prints thresholds back to what it reads", () => {
    for (const text of ["info", "tcp:debug", "quiet", "udp:quiet"]) {
      const parsed = parseLogThreshold(text);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(printLogThreshold(parsed.value)).toBe(text);
    }
    expect(printLogThreshold({ kind: "all", level: "debug" })).toBe("debug");
    expect(logThresholdConv.docv).toBe("LEVEL");
  });

  it("parses level names exactly", () => {
    expect(parseLogLevel("warning")).toEqual({ ok: true, value: "warning" });
    expect(parseLogLevel("warn")).toEqual({ ok: false, error: '"warn": unknown log level' });
  });
});

describe("the -l list", () => {
  it("splits thresholds on commas", () => {
    expect(logThresholdsConv.parse("*:info,tcp:debug,,udp:quiet")).toEqual({
      ok: true,
      value: [
        { kind: "all", level: "info" },
        { kind: "source", source: "tcp", level: "debug" },
        { kind: "source", source: "udp", level: "quiet" },
      ],
    });
    expect(
      logThresholdsConv.print([
        { kind: "all", level: "info" },
        { kind: "source", source: "tcp", level: "debug" },
      ]),
    ).toBe("info,tcp:debug");
  });

  it.each([
    [
      ["-l", "*:info,tcp:debug"],
      ["*:info", "tcp:debug"],
    ],
    [["--logs=debug"], ["debug"]],
    [["-ldebug"], ["debug"]],
    [[], []],
  ])("is read by %j", (argv, expected) => {
    const runtime = createRuntime();
    const logs = runtime.args.registerArg(logsArg);
    expect(runArgv(runtime.args, argv).exit).toBeUndefined();
    expect(logs().map(printLogThreshold)).toEqual(expected.map((text) => text.replace("*:", "")));
  });

  it.each([
    ["foo", `noop: option '-l': Can't parse log threshold: foo ("foo": unknown log level)`],
    ["*:info,a:b:c", "noop: option '-l': Can't parse log threshold: a:b:c"],
  ])("exits 64 on -l %j with the threshold error", (value, firstLine) => {
    const runtime = createRuntime();
    runtime.args.registerArg(logsArg);
    const run = runArgv(runtime.args, ["-l", value]);
    expect(run.exit).toBe(64);
    expect(run.stderr.split("\n")[0]).toBe(firstLine);
  });

  it("cannot be given twice", () => {
    const runtime = createRuntime();
    runtime.args.registerArg(logsArg);
    const run = runArgv(runtime.args, ["-l", "info", "--logs=debug"]);
    expect(run.stderr.split("\n")[0]).toBe("noop: options '-l' and '--logs' cannot be present at the same time");
  });
});
