// The namespace harness alone, without vitest: for benchmarks and fixture scripts run by plain Node.

export { type PersistentTap, createTap, ip, linkExists } from "./host-links.js";
export { interfaceName } from "./link-names.js";
export {
  Namespace,
  type NamespaceOptions,
  type Run,
  type RunOptions,
  type SpawnOptions,
} from "./namespace.js";
export { type Dnsmasq, startDnsmasq, startRadvd } from "./peer-daemons.js";
export { synFloodScript } from "./peer-scripts.js";
export { type SocatTunnel, type SocatTunnelOptions, freeUdpPort, socatTunnel } from "./socat-tunnel.js";
export { COMMAND_MS, WAIT_MS, waitFor } from "./wait.js";
