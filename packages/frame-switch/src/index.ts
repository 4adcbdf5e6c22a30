/**
 * `mirage-switch`: the host side of the browser target's network. A learning Ethernet switch whose
 * ports are WebSocket clients (one binary message per frame), bridgeable to a tap device or a UDP
 * frame tunnel so that browser unikernels and the Linux kernel share one link.
 *
 * @packageDocumentation
 */

export { FrameSwitch, type FrameSwitchOptions, type SwitchStats } from "./frame-switch.js";
export type { PortStats } from "./ports.js";
export { runSwitch, type SwitchCommandIo } from "./command.js";
