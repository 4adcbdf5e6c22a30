/**
 * The `@mirage-ts/mirage-sim` package: a deterministic simulation platform. Unikernels run unchanged
 * on simulated hosts and links with faults, on a virtual clock that jumps to the next event, with
 * one seed deciding every random draw.
 *
 * @packageDocumentation
 */

export {
  SimWorld,
  type SimCrashOptions,
  type SimHostOptions,
  type SimLogLine,
  type SimWorldOptions,
} from "./sim-world.js";
export { SimHost, type SimBootFunction, type SimHostParts, type SimProcess } from "./sim-host.js";
export { PartitionGate } from "./partition-gate.js";
export { type SimDhcpOptions, SimDhcpServer, type SimDhcpStats } from "./dhcp-server.js";
export { IncarnationClock } from "./incarnation.js";
export { type HostedBoot, type HostedDevices, startBundle, takeHostedBoot } from "./hosted.js";
export { SimDisk, type SimDiskOptions, type SimDiskStats } from "./disk/sim-disk.js";
export { type BlockKv, type BlockKvOptions, type BlockKvStats, connectBlockKv } from "./disk/block-kv.js";
export { SimConsole, SimMClock, SimPClock, SimSleep } from "./sim-devices.js";
export { parseRuntimeArgs } from "./runtime-args.js";
export { type HttpGetOptions, type HttpResponse, httpGet } from "./http-client.js";
export { tcpExchange } from "./tcp-client.js";
export {
  SeedFailure,
  type SeedRun,
  type SeedSweepOptions,
  type SeedSweepResult,
  seedsFromEnv,
  sweepSeeds,
  vitestReplay,
} from "./seed-sweep.js";
export { settle } from "./settle.js";
export { SimSetupError } from "./setup-error.js";
export { type PcapPacket, type TcpFlags, pcapPackets } from "./check/pcap-packets.js";
export {
  type LogExpectation,
  type PacketFilter,
  type PcapExpectation,
  expectLog,
  expectPcap,
  matchesPacket,
} from "./check/expectations.js";
export {
  type FaultSchedule,
  type ScheduledFault,
  type ShrinkOptions,
  type ShrinkResult,
  type SimFault,
  applySchedule,
  formatSchedule,
  parseSchedule,
  shrinkSchedule,
} from "./check/fault-schedule.js";
export { ScheduleFailure, type ScheduleSweepOptions, sweepSchedules } from "./check/schedule-sweep.js";
export {
  type SimulationOptions,
  connectSimConsole,
  runSimulation,
  simArgv,
  simBlock,
  simClock,
  simExitStatuses,
  simKvRw,
  simLogSink,
  simMClock,
  simNetif,
  simOutput,
  simPClock,
  simRandom,
  simSleep,
  startSimulation,
} from "./sim-platform.js";
