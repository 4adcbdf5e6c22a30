/**
 * A stub resolver over any mirage `Stack` (Mirage's dns-client): queries the configured name servers
 * over UDP from a random port with a random ID, falls back to TCP on truncation, retries across
 * servers on timeouts and failures, checks every answer against its question and caches answers and
 * negative answers for their TTL. Time and randomness are injected.
 *
 * @packageDocumentation
 */

import {
  type Device,
  type Ipaddr,
  Ipaddr as IpaddrOps,
  type Random,
  type Result,
  type Stack,
  type TcpFlow,
  err,
  mapResult,
  ok,
} from "@mirage-ts/mirage-types";
import type { Clock } from "../clock.js";
import { Opcode, RrClass, RrType } from "../wire/constants.js";
import type { DnsDecodeErrorKind } from "../wire/errors.js";
import type { Message, ResourceRecord } from "../wire/message.js";
import { canonicalName, parseName } from "../wire/name.js";
import { DnsCache } from "./cache.js";
import type { DnsError } from "./errors.js";
import { type ConnectByNameError, type ConnectByNameOptions, connectByName } from "./happy-eyeballs.js";
import { type Nameserver, ppNameserver } from "./nameserver.js";
import { type Mismatch, interpret } from "./outcome.js";
import { tcpExchange, transportCounters, udpExchange } from "./transport.js";

/** @beta Configuration of {@link DnsResolver}. */
export interface DnsResolverConfig {
  /** Name servers, tried in order then round again; at least one. */
  readonly nameservers: readonly Nameserver[];
  /** Time to wait for one answer, in milliseconds; 2000 by default. */
  readonly timeoutMs?: number;
  /** Rounds over the name servers before giving up; 2 by default. */
  readonly attempts?: number;
  /** Cache entries; 32 by default as Mirage (0 disables the cache). */
  readonly cacheSize?: number;
  /** EDNS UDP payload size announced; 1232 by default (0 sends no OPT). */
  readonly ednsUdpSize?: number;
}

/** @beta Options of {@link DnsResolver.lookup}. */
export interface LookupOptions {
  /** 4 for A only, 6 for AAAA only; both by default (IPv6 addresses first). */
  readonly family?: 4 | 6;
}

/** @beta Counters of {@link DnsResolver.stats}. */
export interface DnsResolverStats {
  readonly queriesSent: number;
  readonly cacheHits: number;
  readonly negativeCacheHits: number;
  readonly cacheMisses: number;
  readonly timeouts: number;
  readonly tcpFallbacks: number;
  readonly serverFailures: number;
  readonly mismatched: Readonly<Record<Mismatch, number>>;
  readonly malformed: Partial<Record<DnsDecodeErrorKind, number>>;
  readonly cacheEntries: number;
}

/** CNAME targets queried again when an answer stops at one. */
const maxRequeries = 8;

/**
 * The stub resolver device.
 *
 * @beta
 */
export class DnsResolver implements Device {
  private readonly cache: DnsCache;
  private readonly counters = transportCounters();
  private readonly stat = {
    queriesSent: 0,
    cacheHits: 0,
    negativeCacheHits: 0,
    cacheMisses: 0,
    timeouts: 0,
    tcpFallbacks: 0,
    serverFailures: 0,
  };
  private readonly timeoutMs: number;
  private readonly attempts: number;

  private constructor(
    private readonly stack: Stack,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly config: DnsResolverConfig,
  ) {
    if (config.nameservers.length === 0) throw new RangeError("the DNS resolver needs at least one name server");
    this.timeoutMs = config.timeoutMs ?? 2000;
    this.attempts = config.attempts ?? 2;
    this.cache = new DnsCache({ size: config.cacheSize ?? 32 }, () => clock.now());
  }

  /** Connects a resolver over `stack` (Mirage's `Dns_client_mirage.connect`). */
  static async connect(stack: Stack, clock: Clock, random: Random, config: DnsResolverConfig): Promise<DnsResolver> {
    return new DnsResolver(stack, clock, random, config);
  }

  /** The name servers, printed. */
  nameservers(): string[] {
    return this.config.nameservers.map(ppNameserver);
  }

  /**
   * The addresses of `name`: an IP literal is returned as is; otherwise A and/or AAAA records.
   * With both families, the lookup fails only if both do (with the IPv4 error).
   */
  async lookup(name: string, options: LookupOptions = {}): Promise<Result<Ipaddr[], DnsError>> {
    try {
      const literal = IpaddrOps.parse(name);
      if (options.family === undefined || options.family === literal.version) return ok([literal]);
    } catch {
      // Not an address: resolve it.
    }
    const addresses = (records: readonly ResourceRecord[]): Ipaddr[] =>
      records.flatMap((record) =>
        record.rdata.kind === "A" || record.rdata.kind === "AAAA" ? [record.rdata.address] : [],
      );
    if (options.family === 4) return mapResult(await this.resolve(name, RrType.A), addresses);
    if (options.family === 6) return mapResult(await this.resolve(name, RrType.AAAA), addresses);
    const [v6, v4] = await Promise.all([this.resolve(name, RrType.AAAA), this.resolve(name, RrType.A)]);
    if (!v6.ok && !v4.ok) return v4;
    return ok([...(v6.ok ? addresses(v6.value) : []), ...(v4.ok ? addresses(v4.value) : [])]);
  }

  /**
   * A TCP connection to `name`:`port` over the resolver's stack, by {@link connectByName} (happy
   * eyeballs, RFC 8305): what a unikernel holding only the DNS device uses to reach a host by name.
   */
  connectByName(
    name: string,
    port: number,
    options: ConnectByNameOptions = {},
  ): Promise<Result<TcpFlow<Ipaddr>, ConnectByNameError>> {
    return connectByName(this.stack, this, this.clock, name, port, options);
  }

  /** The records of `type` at `name`, following CNAMEs; from the cache while their TTL lasts. */
  async resolve(name: string, type: number): Promise<Result<ResourceRecord[], DnsError>> {
    const parsed = parseName(name);
    if (!parsed.ok) return err({ kind: "invalid_name", name, reason: parsed.error });
    const asked = canonicalName(name);
    const cached = this.cache.get(asked, type);
    if (cached !== undefined) {
      if (cached.kind === "records") {
        this.stat.cacheHits++;
        return ok([...cached.records]);
      }
      this.stat.negativeCacheHits++;
      return err(cached.kind === "nxdomain" ? { kind: "nxdomain", name } : { kind: "nodata", name, type });
    }
    this.stat.cacheMisses++;
    let current = asked;
    let chainTtl = Number.POSITIVE_INFINITY;
    for (let hop = 0; hop <= maxRequeries; hop++) {
      const answered = await this.ask(current, type);
      if (!answered.ok) return answered;
      const outcome = answered.value;
      if (outcome.kind === "cname") {
        chainTtl = Math.min(chainTtl, outcome.ttl);
        current = outcome.target;
        continue;
      }
      if (outcome.kind === "records") {
        this.cache.put(asked, type, { kind: "records", records: outcome.records }, Math.min(chainTtl, outcome.ttl));
        return ok([...outcome.records]);
      }
      this.cache.put(asked, type, { kind: outcome.kind }, Math.min(chainTtl, outcome.ttl));
      return err(outcome.kind === "nxdomain" ? { kind: "nxdomain", name } : { kind: "nodata", name, type });
    }
    return err({ kind: "cname_loop", name });
  }

  /** Asks the servers in turn until one gives a usable answer. */
  private async ask(
    name: string,
    type: number,
  ): Promise<Result<Exclude<ReturnType<typeof interpret>, { kind: "truncated" | "refused" }>, DnsError>> {
    let lastRcode: number | undefined;
    let tries = 0;
    for (let round = 0; round < this.attempts; round++) {
      for (const server of this.config.nameservers) {
        tries++;
        const query = this.query(name, type);
        this.stat.queriesSent++;
        let response =
          server.protocol === "tcp"
            ? await tcpExchange(this.stack, this.clock, server, query, this.timeoutMs, this.counters)
            : await udpExchange(
                this.stack,
                this.clock,
                server,
                query,
                this.randomPort(),
                this.timeoutMs,
                this.counters,
              );
        if (response?.flags.tc && server.protocol === "udp") {
          this.stat.tcpFallbacks++;
          response = await tcpExchange(this.stack, this.clock, server, query, this.timeoutMs, this.counters);
        }
        if (response === undefined) {
          this.stat.timeouts++;
          continue;
        }
        const outcome = interpret(query.questions[0] ?? { name, type, qclass: RrClass.IN }, response);
        if (outcome.kind === "truncated" || outcome.kind === "refused") {
          this.stat.serverFailures++;
          lastRcode = outcome.kind === "refused" ? outcome.rcode : lastRcode;
          continue;
        }
        return ok(outcome);
      }
    }
    return err(
      lastRcode === undefined
        ? { kind: "timeout", name, attempts: tries }
        : { kind: "server_failure", name, rcode: lastRcode },
    );
  }

  /** A recursive query with a random ID and the name's letters in random case (0x20, checked on return). */
  private query(name: string, type: number): Message {
    const bytes = this.random.generate(2 + name.length);
    let mixed = "";
    for (let i = 0; i < name.length; i++) {
      const char = name.charAt(i);
      mixed += ((bytes[2 + i] as number) & 1) === 1 && /[a-z]/.test(char) ? char.toUpperCase() : char;
    }
    const udpSize = this.config.ednsUdpSize ?? 1232;
    return {
      id: ((bytes[0] as number) << 8) | (bytes[1] as number),
      flags: { qr: false, opcode: Opcode.QUERY, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false },
      rcode: 0,
      questions: [{ name: mixed, type, qclass: RrClass.IN }],
      answers: [],
      authorities: [],
      additionals: [],
      edns: udpSize === 0 ? undefined : { udpSize, version: 0, dnssecOk: false, options: [] },
    };
  }

  /** A random source port in 1024..65535 (RFC 5452 §4.5: the whole unprivileged range). */
  private randomPort(): number {
    const bytes = this.random.generate(2);
    return 1024 + ((((bytes[0] as number) << 8) | (bytes[1] as number)) % (65536 - 1024));
  }

  /** Counters: queries, cache hits and misses, timeouts, fallbacks, ignored and malformed answers. */
  stats(): DnsResolverStats {
    return {
      ...this.stat,
      mismatched: { ...this.counters.mismatched },
      malformed: this.counters.malformed.byKind(),
      cacheEntries: this.cache.size,
    };
  }

  /** Nothing to release: every query closes its own socket. */
  async disconnect(): Promise<void> {}
}
