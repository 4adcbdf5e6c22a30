// What the packages' tests share (private to the repository).
export {
  type Missing,
  firstMissing,
  missingNamespaces,
  missingRoot,
  missingScapy,
  missingTapAddon,
  missingTools,
} from "./host-checks.js";
export { freePort } from "./ports.js";
export { type KernelTcpSocket, kernelTcpSockets } from "./kernel-sockets.js";
export { describeRequiring, itRequiring, strictMode } from "./prerequisites.js";
export { type Service, freeTcpPort, startService } from "./services.js";
export { registerTypeScript } from "./ts-loader.js";
export { type TestPki, makePki } from "./pki.js";
export { requestSmugglingShapes } from "./http-shapes.js";
export {
  COMMAND_MS,
  type Dnsmasq,
  type PersistentTap,
  Namespace,
  type NamespaceOptions,
  type Run,
  type RunOptions,
  type SocatTunnel,
  type SocatTunnelOptions,
  type SpawnOptions,
  WAIT_MS,
  createTap,
  freeUdpPort,
  interfaceName,
  ip,
  linkExists,
  socatTunnel,
  startDnsmasq,
  startRadvd,
  synFloodScript,
  waitFor,
} from "./netns.js";
