import {
  type LogClock,
  LogRegistry,
  createDefaultReporter,
  formatLogLine,
  formatRfc3339,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";

const noon = new Date(Date.UTC(2026, 10, 21, 13, 0, 0, 987));

describe("formatRfc3339", () => {
  it.each([
    [0, "2026-11-21T13:00:00Z"],
    [3600, "2026-11-21T14:00:00+01:00"],
    [-5 * 3600 - 30 * 60, "2026-11-21T07:30:00-05:30"],
    [undefined, "2026-11-21T13:00:00-00:00"],
    [30, "2026-11-21T13:00:00-00:00"],
    [86_400, "2026-11-21T13:00:00-00:00"],
    [86_340, "2026-11-22T12:59:00+23:59"],
  ])("offset %j gives %s", (offset, text) => {
    expect(formatRfc3339(noon, offset)).toBe(text);
  });

  it("truncates to the second and pads the year", () => {
    expect(formatRfc3339(new Date(Date.UTC(999, 0, 2, 3, 4, 5, 999)), 0)).toBe("0999-01-02T03:04:05Z");
    expect(formatRfc3339(new Date(-1), 0)).toBe("1969-12-31T23:59:59Z");
  });
});

describe("the default reporter", () => {
  const clock: LogClock = { now: () => noon, currentTzOffsetS: () => undefined };

  it("writes Mirage_logs lines through the sink", () => {
    const lines: string[] = [];
    const logs = new LogRegistry();
    logs.reporter = createDefaultReporter({ sink: (line) => lines.push(line), clock });
    const tcp = logs.source("tcp");
    tcp.level = "debug";
    tcp.info("listening on port 80");
    tcp.warn("window full");
    tcp.err("reset");
    tcp.debug(() => "segment sent");
    expect(lines).toEqual([
      "2026-11-21T13:00:00-00:00: [INFO] [tcp] listening on port 80",
      "2026-11-21T13:00:00-00:00: [WARNING] [tcp] window full",
      "2026-11-21T13:00:00-00:00: [ERROR] [tcp] reset",
      "2026-11-21T13:00:00-00:00: [DEBUG] [tcp] segment sent",
    ]);
  });

  it("prints tags after the time, a header in place of the level, and no level for app", () => {
    const at = (tz: number | undefined) => (event: Parameters<typeof formatLogLine>[0]) =>
      formatLogLine(event, noon, tz);
    expect(at(0)({ source: "dhcp", level: "info", message: "lease", tags: { ip: "10.0.0.2", renew: 30 } })).toBe(
      "2026-11-21T13:00:00Z: ip=10.0.0.2 renew=30 [INFO] [dhcp] lease",
    );
    expect(at(3600)({ source: "net", level: "error", message: "down", header: "NETIF" })).toBe(
      "2026-11-21T14:00:00+01:00: [NETIF] [net] down",
    );
    expect(at(undefined)({ source: "app", level: "app", message: "hello" })).toBe(
      "2026-11-21T13:00:00-00:00:  [app] hello",
    );
  });

  it("reads the clock for each message", () => {
    let now = noon;
    const lines: string[] = [];
    const report = createDefaultReporter({
      sink: (line) => lines.push(line),
      clock: { now: () => now, currentTzOffsetS: () => 0 },
    });
    report({ source: "s", level: "info", message: "one" });
    now = new Date(noon.getTime() + 61_000);
    report({ source: "s", level: "info", message: "two" });
    expect(lines).toEqual(["2026-11-21T13:00:00Z: [INFO] [s] one", "2026-11-21T13:01:01Z: [INFO] [s] two"]);
  });

  it("uses the system clock when none is given", () => {
    const lines: string[] = [];
    createDefaultReporter({ sink: (line) => lines.push(line) })({
      source: "s",
      level: "info",
      message: "now",
    });
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d): \[INFO\] \[s\] now$/);
  });
});
