// What a test may need of the host. Each check returns why it is not there (a sentence that names
// the fix), or `undefined` when it is.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Why something a test needs is missing here, or `undefined` when nothing is. */
export type Missing = string | undefined;

/** The Debian package of each tool the tests run, for the fix in the message. */
const APT: Readonly<Record<string, string>> = {
  ip: "iproute2",
  ss: "iproute2",
  ping: "iputils-ping",
  nc: "netcat-openbsd",
  dnsmasq: "dnsmasq-base",
  dig: "dnsutils",
  kdig: "knot-dnsutils",
  knotd: "knot",
  knotc: "knot",
  dnsperf: "dnsperf",
  setpriv: "util-linux",
  losetup: "mount",
  "/usr/bin/python3": "python3",
  make: "make",
  "g++": "g++",
  nghttp: "nghttp2-client",
  h2load: "nghttp2-client",
  openssl: "openssl",
  "/usr/bin/chromium": "chromium",
  testssl: "testssl.sh",
};

function onPath(tool: string): boolean {
  if (tool.startsWith("/")) return existsSync(tool);
  try {
    execFileSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The first of `tools` not on PATH (or, for an absolute path, not there). */
export function missingTools(...tools: readonly string[]): Missing {
  const tool = tools.find((t) => !onPath(t));
  return tool === undefined ? undefined : `${tool} is not installed (apt-get install ${APT[tool] ?? tool})`;
}

/** Why this process cannot act as root. */
export function missingRoot(): Missing {
  if (process.platform !== "linux") return `Linux only, this is ${process.platform}`;
  return process.getuid?.() === 0 ? undefined : "needs root (CAP_NET_ADMIN, loop devices)";
}

/** Why no network namespace with a tap can be made here, with `ip`, `socat` and `tools` installed. */
export function missingNamespaces(...tools: readonly string[]): Missing {
  const first = missingRoot() ?? (existsSync("/dev/net/tun") ? undefined : "/dev/net/tun is missing");
  if (first !== undefined) return first;
  const tool = missingTools("ip", "socat", ...tools);
  if (tool !== undefined) return tool;
  const probe = `nsprobe-${process.pid}-${randomBytes(3).toString("hex")}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
  } catch {
    return "`ip netns add` failed (no permission to create network namespaces)";
  }
  return undefined;
}

/** Why scapy cannot be used from Debian's python3. */
export function missingScapy(): Missing {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import scapy.all"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "scapy is not installed for /usr/bin/python3 (apt-get install python3-scapy)";
  }
}

/** The first thing missing of several checks, run in order and only until one fails. */
export function firstMissing(...checks: ReadonlyArray<() => Missing>): Missing {
  for (const check of checks) {
    const missing = check();
    if (missing !== undefined) return missing;
  }
  return undefined;
}

/** mirage-unix in this repository, whose install hook builds the tap addon into its build/. */
const mirageUnix = join(import.meta.dirname, "..", "..", "mirage-unix");

/** Why mirage-unix's native tap addon is not there (the reason its install hook wrote). */
export function missingTapAddon(): Missing {
  if (existsSync(join(mirageUnix, "build", "Release", "tap.node"))) return undefined;
  const report = join(mirageUnix, "build", "addon-build-error.txt");
  const why = existsSync(report) ? readFileSync(report, "utf8").trim() : "no build report";
  return `mirage-unix's tap addon is not built (${why}; pnpm --filter @mirage-ts/mirage-unix build:addon)`;
}
