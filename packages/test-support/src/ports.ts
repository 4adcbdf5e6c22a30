/**
 * Loopback ports that are free now, for a socket bound a moment later in the same test.
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A TCP or UDP port on 127.0.0.1 that nothing holds (the kernel's pick, then released). */
export async function freePort(kind: "tcp" | "udp"): Promise<number> {
  if (kind === "udp") {
    const probe = createSocket("udp4");
    await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
    const { port } = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 0;
}
