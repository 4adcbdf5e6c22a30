/**
 * Resolves a {@link TcpConfig} to complete settings, checking each value so a bad setting fails at
 * construction with a message naming the key, the value and the accepted range.
 *
 * @packageDocumentation
 */

import type { Keepalive } from "@mirage-ts/mirage-types";
import type { CongestionControllerFactory } from "../congestion.js";
import { cubic } from "../cubic.js";
import { newReno } from "../new-reno.js";
import type { TcpConfig } from "../tcp-config.js";

/** Keepalive in milliseconds. */
export interface KeepaliveMs {
  readonly afterMs: number;
  readonly intervalMs: number;
  readonly probes: number;
}

/** Every setting, with defaults applied. */
export interface ResolvedConfig {
  readonly mss: number;
  readonly sendBufferSize: number;
  readonly receiveBufferSize: number;
  readonly windowScaling: boolean;
  readonly timestamps: boolean;
  readonly sack: boolean;
  readonly congestionControl: CongestionControllerFactory;
  readonly initialRtoMs: number;
  readonly minRtoMs: number;
  readonly maxRtoMs: number;
  readonly delayedAckMs: number;
  readonly noDelay: boolean;
  readonly maxRetransmits: number;
  readonly synRetries: number;
  readonly synAckRetries: number;
  readonly userTimeoutMs: number;
  readonly timeWaitMs: number;
  readonly finWait2TimeoutMs: number;
  readonly keepalive: KeepaliveMs | undefined;
  readonly backlog: number;
  readonly maxHalfOpen: number;
  readonly synCookies: boolean;
  readonly maxConnections: number;
  readonly ephemeralLow: number;
  readonly ephemeralHigh: number;
  readonly challengeAckLimit: number;
  readonly invalidRateLimitMs: number;
  readonly resetsPerSecond: number;
  readonly resetBurst: number;
  readonly verifyChecksum: boolean;
}

/** Largest window the 16-bit field can describe with the largest shift (RFC 7323 §2.3). */
const MAX_BUFFER = 65535 * 2 ** 14;

/** Applies defaults and validates. @throws RangeError naming the bad key. */
export function resolveConfig(config: TcpConfig = {}): ResolvedConfig {
  const minRtoMs = int(config, "minRtoMs", 1000, 1, 600_000);
  const maxRtoMs = int(config, "maxRtoMs", 60_000, minRtoMs, 3_600_000);
  const ports = config.ephemeralPorts ?? [49152, 65535];
  const [low, high] = ports;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 1 || high > 65535 || low > high) {
    throw new RangeError(
      "TCP config ephemeralPorts must be [low, high] with 1 <= low <= high <= 65535, " +
        `got [${String(low)}, ${String(high)}]`,
    );
  }
  return {
    mss: int(config, "mss", 65495, 88, 65535),
    sendBufferSize: int(config, "sendBufferSize", 262_144, 1, MAX_BUFFER),
    receiveBufferSize: int(config, "receiveBufferSize", 262_144, 1, MAX_BUFFER),
    windowScaling: config.windowScaling ?? true,
    timestamps: config.timestamps ?? true,
    sack: config.sack ?? true,
    congestionControl: controller(config.congestionControl),
    initialRtoMs: int(config, "initialRtoMs", 1000, 1, 600_000),
    minRtoMs,
    maxRtoMs,
    delayedAckMs: int(config, "delayedAckMs", 40, 0, 40),
    noDelay: config.noDelay ?? false,
    maxRetransmits: int(config, "maxRetransmits", 15, 1, 100),
    synRetries: int(config, "synRetries", 6, 0, 100),
    synAckRetries: int(config, "synAckRetries", 5, 0, 100),
    userTimeoutMs: int(config, "userTimeoutMs", 300_000, 1, Number.MAX_SAFE_INTEGER),
    timeWaitMs: int(config, "timeWaitMs", 60_000, 0, 3_600_000),
    finWait2TimeoutMs: int(config, "finWait2TimeoutMs", 60_000, 1, 3_600_000),
    keepalive: config.keepalive === undefined ? undefined : keepaliveMs(config.keepalive, "TCP config keepalive"),
    backlog: int(config, "backlog", 128, 1, 1_000_000),
    maxHalfOpen: int(config, "maxHalfOpen", 1024, 1, 10_000_000),
    synCookies: config.synCookies ?? true,
    maxConnections: int(config, "maxConnections", 65_536, 1, 100_000_000),
    ephemeralLow: low,
    ephemeralHigh: high,
    challengeAckLimit: int(config, "challengeAckLimit", 10, 1, 1_000_000),
    invalidRateLimitMs: int(config, "invalidRateLimitMs", 500, 0, 3_600_000),
    resetsPerSecond: int(config, "resetsPerSecond", 1000, 0, 1_000_000_000),
    resetBurst: int(config, "resetBurst", 50, 1, 1_000_000_000),
    verifyChecksum: config.verifyChecksum ?? true,
  };
}

/** Converts mirage-types keepalive settings (nanoseconds) to milliseconds. @throws RangeError if invalid. */
export function keepaliveMs(keepalive: Keepalive, what: string): KeepaliveMs {
  const { afterNs, intervalNs, probes } = keepalive;
  if (afterNs <= 0n || intervalNs <= 0n || !Number.isInteger(probes) || probes < 1) {
    throw new RangeError(
      `${what} needs afterNs > 0, intervalNs > 0 and an integer probes >= 1, ` +
        `got afterNs=${afterNs}, intervalNs=${intervalNs}, probes=${probes}`,
    );
  }
  return {
    afterMs: Math.max(1, Number(afterNs / 1_000_000n)),
    intervalMs: Math.max(1, Number(intervalNs / 1_000_000n)),
    probes,
  };
}

/** Checks a backlog given to `listen`. @throws RangeError if invalid. */
export function checkBacklog(backlog: number): number {
  if (!Number.isInteger(backlog) || backlog < 1) {
    throw new RangeError(`listen backlog must be an integer >= 1, got ${backlog}`);
  }
  return backlog;
}

function controller(choice: TcpConfig["congestionControl"]): CongestionControllerFactory {
  if (choice === undefined || choice === "newreno") return newReno;
  if (choice === "cubic") return cubic;
  if (typeof choice === "function") return choice;
  throw new RangeError(
    `TCP config congestionControl must be "newreno", "cubic" or a factory function, got ${JSON.stringify(choice)}`,
  );
}

type NumericKey = {
  [K in keyof TcpConfig]-?: NonNullable<TcpConfig[K]> extends number ? K : never;
}[keyof TcpConfig];

function int(config: TcpConfig, key: NumericKey, fallback: number, min: number, max: number): number {
  const value = config[key];
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`TCP config ${key} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
