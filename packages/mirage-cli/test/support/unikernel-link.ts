// A built unikernel run on the direct stack against the Linux kernel, with test-support's namespace
// harness: the unikernel plugs into a tap (`--interface=tap:NAME`) or a socat UDP tunnel to one
// (`--interface=udp:LOCAL,REMOTE`) in the test's own namespace, and the tap is moved into the
// namespace, where the kernel has 10.99.0.1/24 and the tools (nc, curl, dnsmasq) run. A unikernel on
// the host's sockets (`--net=socket`) runs instead in a peer namespace at the far end of a veth pair,
// so the tools still reach it over a link.
import { type ChildProcess, spawn } from "node:child_process";
import { type Namespace, socatTunnel } from "@mirage-ts/test-support/netns";

/** The kernel's address in the namespace. */
export const KERNEL_IP = "10.99.0.1";

/** The kernel's IPv6 address on the link, in a namespace made with `{ ipv6: true }`. */
export const KERNEL_IP6 = "fd00:99::1";

/** The kernel's addresses on the link: IPv4, and IPv6 too for a namespace with IPv6 on. */
export const KERNEL = [`${KERNEL_IP}/24`] as const;
export const KERNEL_DUAL = [`${KERNEL_IP}/24`, `${KERNEL_IP6}/64`] as const;

/** A unikernel process, its standard error collected. */
export interface Running {
  readonly child: ChildProcess;
  stderr(): string;
}

/**
 * Runs the bundle `file` with `args` from `cwd`, killed with `ns`: in the test's own namespace, or with
 * `inside` in `ns` itself (a peer namespace of {@link socketPeer}).
 */
export function unikernel(
  ns: Namespace,
  cwd: string,
  file: string,
  args: readonly string[],
  options: { readonly inside?: boolean } = {},
): Running {
  const stdio = ["ignore", "ignore", "pipe"] as const;
  const child =
    options.inside === true
      ? ns.spawn(process.execPath, [file, ...args], { cwd, stdio: [...stdio] })
      : ns.track(spawn(process.execPath, [file, ...args], { cwd, stdio: [...stdio] }));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/**
 * Starts a socat tunnel making tap `tap`, moved into `ns` with the kernel's `addresses`; resolves to
 * the unikernel's `--interface` value.
 */
export async function udpInterface(ns: Namespace, tap: string, addresses: readonly string[] = KERNEL): Promise<string> {
  const { socatPort, peerPort } = await socatTunnel(ns, tap);
  await ns.adopt(tap, addresses);
  return `udp:127.0.0.1:${peerPort},127.0.0.1:${socatPort}`;
}

/**
 * Links `ns` by a veth pair to a peer namespace (removed with `ns`) for a unikernel on the host's
 * sockets: the near end `link` gets the kernel's address (so the tools and a SYN flood use it as they
 * would the tap), the far end `address`/24 and a default route back. Run the unikernel there with
 * {@link unikernel}'s `inside`.
 */
export function socketPeer(ns: Namespace, link: string, address: string): Namespace {
  const peer = ns.peer();
  const far = `${link.slice(0, 14)}p`;
  ns.veth(link, peer, far);
  ns.configure(link, KERNEL);
  peer.configure(far, [`${address}/24`]);
  peer.ip("route", "add", "default", "via", KERNEL_IP);
  return peer;
}
