// The backstop of the harness: a small detached process that learns, line by line on a pipe, what this
// process made (namespaces, persistent taps) and started (pids), and removes what is still there once
// the pipe closes, that is once this process is gone however it went, SIGKILL included, where no
// listener of its own can run.
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";

/** What the reaper removes: a namespace, a persistent tap, or a process. */
export type Reaped = "ns" | "tap" | "pid";

const SCRIPT = `
const { execFileSync } = require("node:child_process");
const held = { ns: new Set(), tap: new Set(), pid: new Set() };
let rest = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (rest + chunk).split("\\n");
  rest = lines.pop();
  for (const line of lines) {
    const [op, kind, value] = line.split(" ");
    if (op === "+") held[kind].add(value);
    else held[kind].delete(value);
  }
});
const kill = (pid) => { try { process.kill(Number(pid), "SIGKILL"); } catch {} };
const ip = (...args) => {
  try { return execFileSync("ip", args, { encoding: "utf8", stdio: "pipe" }); } catch { return ""; }
};
process.stdin.on("end", () => {
  for (const pid of held.pid) kill(pid);
  for (const ns of held.ns) {
    for (const pid of ip("netns", "pids", ns).split("\\n")) if (pid !== "") kill(pid);
    ip("netns", "del", ns);
  }
  for (const tap of held.tap) ip("tuntap", "del", tap, "mode", "tap");
});
`;

let reaper: ChildProcess | undefined;

/** Tells the reaper to remove `value` if this process ends first (`+`), or that it is gone (`-`). */
export function tellReaper(op: "+" | "-", kind: Reaped, value: string | number): void {
  if (reaper === undefined) {
    // Its own session: a Ctrl-C to this process's group does not reach it before it has done its work.
    reaper = spawn(process.execPath, ["-e", SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
    reaper.unref();
    (reaper.stdin as Socket | null)?.unref();
    reaper.stdin?.on("error", () => undefined);
  }
  reaper.stdin?.write(`${op} ${kind} ${value}\n`);
}
