/**
 * The authoritative server as a state machine over bytes (Mirage's dns-server `handle_buf`): one
 * query in, zero or more response messages out. The transport (UDP, TCP) is the caller's; time comes
 * from the injected wall clock, signatures from the injected HMAC.
 *
 * @packageDocumentation
 */

import type { Ipaddr } from "@mirage-ts/mirage-types";
import { Opcode, Rcode, RrType } from "../wire/constants.js";
import { DecodeErrorCounts, type DnsDecodeErrorKind } from "../wire/errors.js";
import { type Edns, type Message, decodeMessage, encodeMessage } from "../wire/message.js";
import { canonicalName } from "../wire/name.js";
import { answerQuestion, findZone } from "./answer.js";
import { type RateLimitOptions, RateLimiter } from "./rrl.js";
import { transferMessages } from "./transfer.js";
import { type Hmac, type TsigKey, type TsigVerdict, signResponse, verifyRequest, webCryptoHmac } from "./tsig.js";
import type { Zone } from "./zone.js";

/** A request whose signature verified. */
type SignedBy = TsigVerdict & { readonly ok: true };

/** @beta Configuration of {@link DnsServer}. */
export interface DnsServerConfig {
  readonly zones: readonly Zone[];
  /** Keys accepted in TSIG; with any, AXFR needs one of them. */
  readonly tsigKeys?: readonly TsigKey[];
  /** UDP payload size the server announces and answers up to; 1232 by default (RFC 6891 §6.2.5 advice). */
  readonly ednsUdpSize?: number;
  /** UDP rate limiting; on with NSD's defaults unless `false`. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Wall-clock milliseconds since the epoch (TSIG times). */
  readonly wallClock: () => number;
  /** Monotonic milliseconds (rate limiting). */
  readonly now: () => number;
  readonly hmac?: Hmac;
}

/** @beta Where a query came from. */
export interface QuerySource {
  readonly transport: "udp" | "tcp";
  readonly address: Ipaddr;
}

/** @beta Counters of {@link DnsServer.stats}. */
export interface DnsServerStats {
  readonly queries: number;
  readonly responses: number;
  readonly truncated: number;
  readonly nxdomain: number;
  readonly refused: number;
  readonly formerr: number;
  readonly notimp: number;
  readonly transfers: number;
  readonly transfersRefused: number;
  readonly tsigFailures: number;
  readonly rateLimitedDropped: number;
  readonly rateLimitedSlipped: number;
  readonly ignoredResponses: number;
  readonly malformed: Partial<Record<DnsDecodeErrorKind, number>>;
}

/**
 * Answers queries for its zones.
 *
 * @beta
 */
export class DnsServer {
  private readonly malformed = new DecodeErrorCounts();
  private readonly limiter: RateLimiter | undefined;
  private readonly hmac: Hmac;
  private readonly counts = {
    queries: 0,
    responses: 0,
    truncated: 0,
    nxdomain: 0,
    refused: 0,
    formerr: 0,
    notimp: 0,
    transfers: 0,
    transfersRefused: 0,
    tsigFailures: 0,
    rateLimitedDropped: 0,
    rateLimitedSlipped: 0,
    ignoredResponses: 0,
  };
  /** Called with responses (QR set) that reach the server: NOTIFY acknowledgements. */
  onResponse: ((message: Message, from: Ipaddr) => void) | undefined;

  constructor(readonly config: DnsServerConfig) {
    this.hmac = config.hmac ?? webCryptoHmac;
    this.limiter = config.rateLimit === false ? undefined : new RateLimiter(config.rateLimit ?? {}, config.now);
  }

  /** The zones served. */
  get zones(): readonly Zone[] {
    return this.config.zones;
  }

  /** Handles one received message; returns the messages to send back (none to stay silent). */
  async handle(bytes: Uint8Array, source: QuerySource): Promise<Uint8Array[]> {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      this.malformed.record(decoded.error);
      // A readable header of a query gets FORMERR (RFC 1035 §4.1.1); anything less is dropped.
      if (bytes.length < 12 || ((bytes[2] as number) & 0x80) !== 0) return [];
      this.counts.formerr++;
      const header = bytes.slice(0, 12).fill(0, 4);
      header[2] = 0x80 | ((bytes[2] as number) & 0x79);
      header[3] = Rcode.FORMERR;
      return [header];
    }
    const query = decoded.value;
    if (query.flags.qr) {
      this.counts.ignoredResponses++;
      this.onResponse?.(query, source.address);
      return [];
    }
    this.counts.queries++;
    const reply = (changes: Partial<Message>): Message => ({
      id: query.id,
      flags: { ...query.flags, qr: true, aa: false, tc: false, ra: false, ad: false },
      rcode: Rcode.NOERROR,
      questions: query.questions,
      answers: [],
      authorities: [],
      additionals: [],
      edns: query.edns === undefined ? undefined : this.edns(),
      ...changes,
    });
    if (query.flags.opcode !== Opcode.QUERY && query.flags.opcode !== Opcode.NOTIFY) {
      this.counts.notimp++;
      return [encodeMessage(reply({ rcode: Rcode.NOTIMP }))];
    }
    if (query.questions.length !== 1) {
      this.counts.formerr++;
      return [encodeMessage(reply({ rcode: Rcode.FORMERR }))];
    }
    if (query.edns !== undefined && query.edns.version !== 0) {
      return [encodeMessage(reply({ rcode: Rcode.BADVERS }))];
    }
    const nowSeconds = Math.floor(this.config.wallClock() / 1000);
    const verdict = await verifyRequest(bytes, query, this.config.tsigKeys ?? [], nowSeconds, this.hmac);
    if (verdict !== undefined && !verdict.ok) return [this.tsigError(reply({ rcode: Rcode.NOTAUTH }), verdict)];
    const question = query.questions[0] as NonNullable<(typeof query.questions)[0]>;
    if (query.flags.opcode === Opcode.NOTIFY) {
      // A primary only: acknowledge, nothing to refresh.
      return [await this.finish(reply({ flags: { ...reply({}).flags, aa: true } }), verdict, source)];
    }
    if (question.type === RrType.AXFR || question.type === RrType.IXFR) {
      return this.transfer(query, question.name, reply, verdict, source);
    }
    const answer = answerQuestion(this.config.zones, question);
    if (answer.rcode === Rcode.NXDOMAIN) this.counts.nxdomain++;
    if (answer.rcode === Rcode.REFUSED) this.counts.refused++;
    const response = reply({
      flags: { ...reply({}).flags, aa: answer.authoritative },
      rcode: answer.rcode,
      answers: answer.answers,
      authorities: answer.authorities,
      additionals: answer.additionals,
    });
    if (source.transport === "udp" && this.limiter !== undefined) {
      const decision = this.limiter.decide(source.address, `${canonicalName(question.name)}/${answer.rcode}`);
      if (decision === "drop") {
        this.counts.rateLimitedDropped++;
        return [];
      }
      if (decision === "slip") {
        this.counts.rateLimitedSlipped++;
        return [await this.finish(reply({ flags: { ...response.flags, tc: true } }), verdict, source)];
      }
    }
    return [await this.finish(response, verdict, source, query.edns)];
  }

  private async transfer(
    query: Message,
    zoneName: string,
    reply: (changes: Partial<Message>) => Message,
    verdict: SignedBy | undefined,
    source: QuerySource,
  ): Promise<Uint8Array[]> {
    const zone = findZone(this.config.zones, canonicalName(zoneName));
    const keys = this.config.tsigKeys ?? [];
    const exact = zone !== undefined && zone.origin === canonicalName(zoneName);
    // RFC 5936 §4.2: transfers run over TCP; with keys configured, only under one of them.
    if (source.transport !== "tcp" || !exact || (keys.length > 0 && verdict === undefined)) {
      this.counts.transfersRefused++;
      const rcode = exact ? Rcode.REFUSED : Rcode.NOTAUTH;
      return [await this.finish(reply({ rcode }), verdict, source)];
    }
    this.counts.transfers++;
    const template = reply({ flags: { ...reply({}).flags, aa: true } });
    const messages = transferMessages(zone, template);
    if (verdict === undefined) return messages.map((message) => encodeMessage(message));
    const out: Uint8Array[] = [];
    let prior = verdict.mac;
    const nowSeconds = Math.floor(this.config.wallClock() / 1000);
    for (const [index, message] of messages.entries()) {
      const unsigned = encodeMessage(message);
      const tsig = await signResponse(unsigned, query.id, verdict.key, prior, nowSeconds, index > 0, this.hmac);
      prior = tsig.mac;
      out.push(encodeMessage({ ...message, tsig: { name: verdict.key.name, rdata: tsig, offset: 0 } }));
    }
    return out;
  }

  /** Encodes a response: truncated to the client's UDP size, signed when the request was. */
  private async finish(
    response: Message,
    verdict: SignedBy | undefined,
    source: QuerySource,
    clientEdns?: Edns,
  ): Promise<Uint8Array> {
    const ours = this.config.ednsUdpSize ?? 1232;
    const maxSize = source.transport === "tcp" ? 0xffff : Math.min(ours, clientEdns?.udpSize ?? 512);
    let bytes = encodeMessage(response, { maxSize });
    if (bytes.length > 0 && ((bytes[2] as number) & 0x02) !== 0) this.counts.truncated++;
    this.counts.responses++;
    if (response.rcode === Rcode.FORMERR) this.counts.formerr++;
    if (verdict?.ok === true) {
      const nowSeconds = Math.floor(this.config.wallClock() / 1000);
      const tsig = await signResponse(bytes, response.id, verdict.key, verdict.mac, nowSeconds, false, this.hmac);
      const decoded = decodeMessage(bytes);
      if (decoded.ok)
        bytes = encodeMessage({ ...decoded.value, tsig: { name: verdict.key.name, rdata: tsig, offset: 0 } });
    }
    return bytes;
  }

  /** An error response to a bad signature: unsigned, with the TSIG error code (RFC 8945 §5.3.2). */
  private tsigError(response: Message, verdict: TsigVerdict & { ok: false }): Uint8Array {
    this.counts.tsigFailures++;
    this.counts.responses++;
    return encodeMessage({
      ...response,
      tsig: {
        name: verdict.keyName,
        offset: 0,
        rdata: {
          kind: "TSIG",
          algorithm: "hmac-sha256",
          timeSigned: verdict.error === Rcode.BADTIME ? Math.floor(this.config.wallClock() / 1000) : verdict.timeSigned,
          fudge: 300,
          mac: new Uint8Array(0),
          originalId: response.id,
          error: verdict.error,
          otherData: new Uint8Array(0),
        },
      },
    });
  }

  private edns(): Edns {
    return { udpSize: this.config.ednsUdpSize ?? 1232, version: 0, dnssecOk: false, options: [] };
  }

  /** Counters of queries, answers by kind, transfers, TSIG failures, rate limiting and malformed input. */
  stats(): DnsServerStats {
    return { ...this.counts, malformed: this.malformed.byKind() };
  }
}
