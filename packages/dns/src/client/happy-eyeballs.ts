/**
 * Connecting to a host by name (RFC 8305, happy eyeballs v2): resolve its addresses, interleave the
 * families (IPv6 first), start a TCP attempt every `attemptDelayMs` or as soon as the previous one
 * fails, keep the first that connects and close any that connect later.
 *
 * @packageDocumentation
 */

import { type Ipaddr, type Result, type Stack, type TcpError, type TcpFlow, err, ok } from "@mirage-ts/mirage-types";
import type { Clock } from "../clock.js";
import type { DnsError } from "./errors.js";
import type { DnsResolver } from "./resolver.js";

/** @beta Options of {@link connectByName}. */
export interface ConnectByNameOptions {
  /** Delay before the next attempt while one is pending; 250 ms (RFC 8305 §8, at least 100 ms). */
  readonly attemptDelayMs?: number;
}

/** @beta Why {@link connectByName} failed: the name did not resolve, or every address failed. */
export type ConnectByNameError =
  | { readonly kind: "dns"; readonly error: DnsError }
  | { readonly kind: "connect"; readonly attempts: number; readonly last: TcpError | undefined };

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

/**
 * Connects to `name`:`port` over `stack`, resolving through `dns`.
 *
 * @beta
 */
export async function connectByName(
  stack: Stack,
  dns: DnsResolver,
  clock: Clock,
  name: string,
  port: number,
  options: ConnectByNameOptions = {},
): Promise<Result<TcpFlow<Ipaddr>, ConnectByNameError>> {
  const resolved = await dns.lookup(name);
  if (!resolved.ok) return err({ kind: "dns", error: resolved.error });
  const addresses = interleave(resolved.value);
  const delay = Math.max(100, options.attemptDelayMs ?? 250);
  return new Promise((resolve) => {
    let next = 0;
    let pending = 0;
    let done = false;
    let last: TcpError | undefined;
    let timer: { cancel(): void } | undefined;
    const start = (): void => {
      timer?.cancel();
      const address = addresses[next++];
      if (address === undefined) {
        if (pending === 0 && !done) {
          done = true;
          resolve(err({ kind: "connect", attempts: addresses.length, last }));
        }
        return;
      }
      pending++;
      timer = clock.setTimer(delay, start);
      void stack
        .tcp()
        .createConnection(address, port)
        .then((attempt) => {
          pending--;
          if (attempt.ok) {
            if (done) return void attempt.value.close();
            done = true;
            timer?.cancel();
            resolve(ok(attempt.value));
            return;
          }
          last = attempt.error;
          if (!done) start();
        });
    };
    start();
  });
}
