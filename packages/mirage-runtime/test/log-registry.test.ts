import { type LogEvent, LogRegistry, levelEnabled } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { captureOutput } from "./capture.js";

function recording() {
  const logs = new LogRegistry();
  const events: LogEvent[] = [];
  logs.reporter = (event) => events.push(event);
  return { logs, events };
}

describe("log levels", () => {
  it("order thresholds from quiet to debug", () => {
    expect(levelEnabled("info", "warning")).toBe(true);
    expect(levelEnabled("info", "info")).toBe(true);
    expect(levelEnabled("info", "debug")).toBe(false);
    expect(levelEnabled("error", "app")).toBe(true);
    expect(levelEnabled("quiet", "app")).toBe(false);
    expect(levelEnabled("debug", "debug")).toBe(true);
  });
});

describe("log sources", () => {
  it("report messages at or above their threshold, info by default", () => {
    const { logs, events } = recording();
    const tcp = logs.source("tcp", "TCP flows");
    expect(tcp.level).toBe("info");
    tcp.debug("hidden");
    tcp.info("shown", { tags: { port: 80 } });
    tcp.warn("warned");
    tcp.err("failed", { header: "tcp-error" });
    tcp.app("always");
    expect(events).toEqual([
      { source: "tcp", level: "info", message: "shown", tags: { port: 80 } },
      { source: "tcp", level: "warning", message: "warned" },
      { source: "tcp", level: "error", message: "failed", header: "tcp-error" },
      { source: "tcp", level: "app", message: "always" },
    ]);
  });

  it("compute a message given as a function only when it is reported", () => {
    const { logs, events } = recording();
    const udp = logs.source("udp");
    let computed = 0;
    const message = () => {
      computed++;
      return "expensive";
    };
    udp.debug(message);
    expect(computed).toBe(0);
    udp.level = "debug";
    udp.debug(message);
    expect(computed).toBe(1);
    expect(events.map((event) => event.message)).toEqual(["expensive"]);
    expect(udp.enabled("debug")).toBe(true);
  });

  it("report nothing when quiet", () => {
    const { logs, events } = recording();
    const arp = logs.source("arp");
    arp.level = "quiet";
    arp.app("not even this");
    arp.msg("error", "nor this");
    expect(events).toEqual([]);
  });

  it("are shared by name and listed in creation order", () => {
    const logs = new LogRegistry();
    const first = logs.source("ip", "IP layer");
    const again = logs.source("ip", "other doc");
    expect(again).toBe(first);
    expect(again.doc).toBe("IP layer");
    logs.source("eth");
    expect(logs.sources().map((source) => source.name)).toEqual(["ip", "eth"]);
    expect(logs.source("anon").doc).toBe("undocumented");
  });

  it("discard messages until a reporter is set", () => {
    const logs = new LogRegistry();
    expect(() => logs.source("x").app("dropped")).not.toThrow();
  });
});

describe("setLevel", () => {
  it("sets the default level on every source, then each named source", () => {
    const logs = new LogRegistry();
    const tcp = logs.source("tcp");
    const udp = logs.source("udp");
    const output = captureOutput();
    logs.setLevel("info", [{ kind: "source", source: "tcp", level: "debug" }], output);
    expect([logs.level, tcp.level, udp.level]).toEqual(["info", "debug", "info"]);
    expect(output.stdout()).toBe("");
  });

  it("lets the first * threshold replace the default, wherever it is in the list", () => {
    const logs = new LogRegistry();
    const tcp = logs.source("tcp");
    const udp = logs.source("udp");
    logs.setLevel(
      "info",
      [
        { kind: "source", source: "tcp", level: "quiet" },
        { kind: "all", level: "warning" },
        { kind: "all", level: "debug" },
      ],
      captureOutput(),
    );
    expect([logs.level, tcp.level, udp.level]).toEqual(["warning", "quiet", "warning"]);
  });

  it("gives sources created afterwards the global level", () => {
    const logs = new LogRegistry();
    logs.setLevel("error", [], captureOutput());
    expect(logs.source("late").level).toBe("error");
  });

  it("warns about an unknown source on standard output and applies the rest", () => {
    const logs = new LogRegistry();
    const tcp = logs.source("tcp");
    const output = captureOutput();
    logs.setLevel(
      "info",
      [
        { kind: "source", source: "tpc", level: "debug" },
        { kind: "source", source: "tcp", level: "debug" },
      ],
      output,
    );
    expect(output.stdout()).toBe("WARNING: tpc is not a valid log source.\n");
    expect(output.stderr()).toBe("");
    expect(tcp.level).toBe("debug");
  });
});
