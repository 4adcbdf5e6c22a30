/**
 * Connecting to a host by name (RFC 8305, happy eyeballs v2): ask for AAAA and A together, start
 * when the AAAA answer arrives or a resolution delay after the A answer, interleave the families
 * (IPv6 first), start a TCP attempt every `attemptDelayMs` or as soon as the previous one fails, keep
 * the first that connects and close any that connect later.
 *
 * @packageDocumentation
 */

import {
  type Ipaddr,
  Ipaddr as IpaddrOps,
  type Result,
  type Stack,
  type TcpError,
  type TcpFlow,
  err,
  ok,
  ppTcpError,
} from "@mirage-ts/mirage-types";
import type { Clock } from "../clock.js";
import { type DnsError, ppDnsError } from "./errors.js";
import type { DnsResolver } from "./resolver.js";

/** @beta Options of {@link connectByName}. */
export interface ConnectByNameOptions {
  /** Delay before the next attempt while one is pending; 250 ms (RFC 8305 §8, at least 100 ms). */
  readonly attemptDelayMs?: number;
  /** Wait for the AAAA answer after the A answer before connecting; 50 ms (RFC 8305 §3). */
  readonly resolutionDelayMs?: number;
}

/** @beta Why {@link connectByName} failed: the name did not resolve, or every address failed. */
export type ConnectByNameError =
  | { readonly kind: "dns"; readonly error: DnsError }
  | { readonly kind: "connect"; readonly attempts: number; readonly last: TcpError | undefined };

/**
 * `error` as a sentence for a log line.
 *
 * @beta
 */
export function ppConnectByNameError(name: string, port: number, error: ConnectByNameError): string {
  if (error.kind === "dns") return ppDnsError(error.error);
  const why = error.last === undefined ? "no address to try" : ppTcpError(error.last);
  return `${name}:${port}: no connection after ${error.attempts} attempt(s): ${why}`;
}

/**
 * Addresses in RFC 8305 §4 order: families alternated, the first family first.
 *
 * @beta
 */
export function interleave(addresses: readonly Ipaddr[]): Ipaddr[] {
  const v6 = addresses.filter((a) => a.version === 6);
  const v4 = addresses.filter((a) => a.version === 4);
  const [first, second] = addresses[0]?.version === 4 ? [v4, v6] : [v6, v4];
  const out: Ipaddr[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    const a = first[i];
    const b = second[i];
    if (a !== undefined) out.push(a);
    if (b !== undefined) out.push(b);
  }
  return out;
}

/** `name` as an IP address, or undefined for a host name. */
function parseLiteral(name: string): Ipaddr | undefined {
  try {
    return IpaddrOps.parse(name);
  } catch {
    return undefined;
  }
}

/** The resolution's state: what each family's lookup gave, and the addresses not yet tried. */
class Candidates {
  readonly untried: { 4: Ipaddr[]; 6: Ipaddr[] } = { 4: [], 6: [] };
  readonly errors: { 4?: DnsError; 6?: DnsError } = {};
  readonly answered = { 4: false, 6: false };
  found = 0;
  private lastFamily: 4 | 6 | undefined;

  add(family: 4 | 6, result: Result<Ipaddr[], DnsError>): void {
    this.answered[family] = true;
    if (!result.ok) {
      this.errors[family] = result.error;
      return;
    }
    this.untried[family].push(...result.value);
    this.found += result.value.length;
  }

  /** The next address, the families alternated (RFC 8305 §4), IPv6 first. */
  next(): Ipaddr | undefined {
    const preferred = this.lastFamily === 6 ? 4 : 6;
    const family = this.untried[preferred].length > 0 ? preferred : preferred === 6 ? 4 : 6;
    const address = this.untried[family].shift();
    if (address !== undefined) this.lastFamily = family;
    return address;
  }

  settled(): boolean {
    return this.answered[4] && this.answered[6];
  }
}

/**
 * Connects to `name`:`port` over `stack`, resolving through `dns` (RFC 8305): the AAAA and A queries
 * go out together; connecting starts when the AAAA answer arrives, or `resolutionDelayMs` after the A
 * answer if the AAAA one is still missing; addresses that arrive later join the attempts.
 *
 * @beta
 */
export function connectByName(
  stack: Stack,
  dns: DnsResolver,
  clock: Clock,
  name: string,
  port: number,
  options: ConnectByNameOptions = {},
): Promise<Result<TcpFlow<Ipaddr>, ConnectByNameError>> {
  const delay = Math.max(100, options.attemptDelayMs ?? 250);
  const resolutionDelay = options.resolutionDelayMs ?? 50;
  const candidates = new Candidates();
  return new Promise((resolve) => {
    let started = false;
    let pending = 0;
    let attempts = 0;
    let done = false;
    let last: TcpError | undefined;
    let timer: { cancel(): void } | undefined;
    const finish = (result: Result<TcpFlow<Ipaddr>, ConnectByNameError>): void => {
      done = true;
      timer?.cancel();
      resolve(result);
    };
    const start = (): void => {
      timer?.cancel();
      timer = undefined;
      if (done) return;
      const address = candidates.next();
      if (address === undefined) {
        if (pending > 0 || !candidates.settled()) return;
        const error = candidates.errors[4] ?? candidates.errors[6];
        if (candidates.found === 0 && error !== undefined) finish(err({ kind: "dns", error }));
        else finish(err({ kind: "connect", attempts, last }));
        return;
      }
      pending++;
      attempts++;
      timer = clock.setTimer(delay, start);
      void stack
        .tcp()
        .createConnection(address, port)
        .then((attempt) => {
          pending--;
          if (!attempt.ok) {
            last = attempt.error;
            return start();
          }
          if (done) return void attempt.value.close();
          finish(ok(attempt.value));
        });
    };
    // Answers that arrive once attempts are under way are taken up when no attempt timer is armed.
    const begin = (): void => {
      if (!started) {
        started = true;
        start();
      } else if (timer === undefined) start();
    };
    const literal = parseLiteral(name);
    if (literal !== undefined) {
      candidates.add(literal.version, ok([literal]));
      candidates.add(literal.version === 4 ? 6 : 4, ok([]));
      return begin();
    }
    void dns.lookup(name, { family: 6 }).then((result) => {
      candidates.add(6, result);
      begin();
    });
    void dns.lookup(name, { family: 4 }).then((result) => {
      candidates.add(4, result);
      if (started || candidates.answered[6]) begin();
      else timer = clock.setTimer(resolutionDelay, begin);
    });
  });
}
