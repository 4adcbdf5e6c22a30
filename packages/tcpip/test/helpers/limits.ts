// The time limits of tcpip's tests against the Linux kernel, in one place. Each one only stops a hung
// test: none is a measure of speed. They are sized for a loaded 2-core machine, where the driver
// process, socat, scapy and the kernel's tools share the cores with everything else, and scale with
// the work (the bytes moved).

/** Waiting for a condition to hold: socat bound, a tap there, a listener up, dnsmasq started. */
export const WAIT_MS = 60_000;

/** One answer of the driver process, or one command run in the namespace. */
export const COMMAND_MS = 120_000;

/** Setting up or tearing down a lab: the namespace, the link and the driver process. */
export const LAB_MS = 180_000;

/** A test made of a few commands, pings and answers. */
export const TEST_MS = 300_000;

/** A scapy script sending thousands of frames (python3 and scapy start slowly on a loaded machine). */
export const SCAPY_MS = 300_000;

/** Moving `bytes` through the stack and the link: two minutes, plus a second for every 500 kB. */
export function transferMs(bytes: number): number {
  return 120_000 + Math.ceil(bytes / 500_000) * 1000;
}
