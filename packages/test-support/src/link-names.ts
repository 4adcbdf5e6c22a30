// Names of what the harness makes on the host, unique per process and call, so that test files
// running side by side (and a run left over from a crash) never collide.
import { randomBytes } from "node:crypto";

/** A namespace name: `label`, this process's pid, and random hex. */
export function namespaceName(label: string): string {
  return `${label}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** An interface name of at most 15 bytes (the kernel's IFNAMSIZ): `tag`, then random hex. */
export function interfaceName(tag: string): string {
  if (tag.length > 7) throw new Error(`interface tag "${tag}" is longer than 7 characters`);
  return `${tag}${randomBytes(4).toString("hex")}`;
}
