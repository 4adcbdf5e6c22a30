// Whether this host can run the network-namespace integration tests, shared by tcpip's and
// mirage-cli's harnesses: each returns why not, or `undefined` when it can.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";

function hasCommand(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why no namespace with a tap can be made here, with `ip`, `socat` and `tools` installed. */
export function namespaceUnavailable(tools: readonly string[]): string | undefined {
  if (process.platform !== "linux") return "Linux only";
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create a network namespace and a tap";
  if (!existsSync("/dev/net/tun")) return "/dev/net/tun is missing";
  for (const tool of ["ip", "socat", ...tools]) {
    if (!hasCommand(tool)) return `${tool} is not installed (.ci/run lists the apt packages)`;
  }
  const probe = `nsprobe-${process.pid}-${randomBytes(3).toString("hex")}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
  } catch {
    return "`ip netns add` failed (no permission to create network namespaces)";
  }
  return undefined;
}

/** Why scapy cannot be used from Debian's python3, or `undefined` when it can. */
export function scapyMissing(): string | undefined {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import scapy.all"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "python3-scapy is not installed (Debian's, for /usr/bin/python3)";
  }
}
