/**
 * A packetdrill-like script runner for crafted-segment scenarios. A script drives one TCP layer (the
 * system under test, SUT, at 10.0.0.1) against a scripted peer (10.0.0.2) on a virtual clock; each
 * line is `<time> <statement>`:
 *
 *   time        `0.100` (seconds, absolute) or `+0.040` (relative to the previous line)
 *   `< ...`     inject a segment into the SUT
 *   `<< ...`    a segment of a burst: held, then delivered with the next `<` segment in one
 *               synchronous run, as a device hands over a batch of frames
 *   `< icmp KIND SEQ [mtu N]`  inject an ICMP error (an `IcmpErrorKind`, e.g. `port_unreachable`,
 *               `fragmentation_needed`) from the peer quoting a SUT segment that started at SEQ
 *               (relative to the SUT's ISN) between the current ports
 *   `> ...`     expect the SUT's next segment, emitted at exactly that time (± tolerance)
 *   otherwise   an API call or check: listen PORT [backlog N], connect PORT, connected,
 *               connect-error KIND, connect-pending, accept, no-accept, write N, write-ok,
 *               write-error KIND, write-pending, read N|eof|KIND|pending, shutdown MODE, close,
 *               nodelay on|off, port N, wait, stats KEY VALUE...
 *
 * Segments use packetdrill's syntax: `[@port] FLAGS start:end(len) [ack N] [isn K] [win W] [<options>]`, flags
 * from `S F R P .` (`.` is ACK). As in packetdrill, the SUT's sequence numbers are written relative to
 * its ISN (outbound `seq`, inbound `ack` and SACK blocks), the peer's are absolute (its ISN is whatever
 * the script says, usually 0); `isn K` makes an injected `ack` relative to the SUT's K-th SYN on the
 * ports instead of its last (a SYN answered twice). Options: `mss N`, `wscale N`, `sackOK`,
 * `TS val V ecr E`, `sack A:B ...`, `nop`; in expectations `*` matches any value and unlisted options
 * are not checked; in injections `ecr *` echoes the SUT's last TSval. `@port` names the peer's port
 * (default 40000, or the port of the last `connect`).
 *
 * Between lines, every segment the SUT emits must be expected: an unexpected segment fails the script.
 */

import type { Ipv4Addr, Result, TcpError, TcpFlow, TcpWriteError } from "@mirage-ts/mirage-types";
import { Ipv4Addr as Addr } from "@mirage-ts/mirage-types";
import { type IcmpErrorKind, IpProtocol, SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { checksumValid, pseudoHeaderSum, segmentChecksum } from "../../src/tcp/internal/checksum.js";
import { TcpFlags, TcpHeader } from "../../src/tcp/segment.js";
import type { TcpConfig } from "../../src/tcp/tcp-config.js";
import { TcpLayer } from "../../src/tcp/tcp-layer.js";
import type { TcpStats } from "../../src/tcp/tcp-stats.js";
import { CaptureIp } from "./capture-ip.js";
import { advance, settle } from "./drive.js";

export interface ScriptOptions {
  readonly config?: TcpConfig;
  /** Allowed difference between an expected and an actual emission time, in ms (default 0). */
  readonly toleranceMs?: number;
  /** The IP MTU towards the peer (default 1480, an MSS of 1460). */
  readonly mtu?: number;
}

export interface ScriptResult {
  readonly sut: TcpLayer<Ipv4Addr>;
  readonly clock: VirtualClock;
  readonly stats: TcpStats;
}

const SUT = Addr.parse("10.0.0.1");
const PEER = Addr.parse("10.0.0.2");
const DEFAULT_PEER_PORT = 40000;

interface Captured {
  readonly time: number;
  readonly header: TcpHeader;
  readonly payloadLength: number;
}

interface SegmentSpec {
  port: number | undefined;
  flags: number;
  start: number;
  end: number;
  length: number;
  ack: number | undefined;
  /** `isn K`: inbound `ack` relative to the SUT's K-th SYN on the ports (1 = first), not its last. */
  isn: number | undefined;
  win: number | "*" | undefined;
  options: OptionSpec | undefined;
}

type Value = number | "*";

interface OptionSpec {
  mss?: Value;
  wscale?: Value;
  sackOK?: boolean;
  ts?: { val: Value; ecr: Value };
  sack?: [number, number][];
}

class ScriptError extends Error {}

/** Runs a script; throws with the failing line and what was seen. */
export async function runScript(script: string, options: ScriptOptions = {}): Promise<ScriptResult> {
  const runner = new Runner(options);
  await runner.run(script);
  return { sut: runner.sut, clock: runner.clock, stats: runner.sut.stats() };
}

type ReadOutcome = Result<{ kind: "data"; data: Uint8Array } | { kind: "eof" }, TcpError>;

class Runner {
  readonly clock = new VirtualClock();
  readonly sut: TcpLayer<Ipv4Addr>;
  readonly #tolerance: number;
  readonly #outbound: Captured[] = [];
  readonly #accepted: TcpFlow<Ipv4Addr>[] = [];
  readonly #isn = new Map<string, number>();
  // Every ISN the SUT used on the ports, oldest first: a SYN answered twice has two.
  readonly #isns = new Map<string, number[]>();
  readonly #pseudo: number;
  #peerPort = DEFAULT_PEER_PORT;
  #sutPort = 0;
  #flow: TcpFlow<Ipv4Addr> | undefined;
  #connect: Promise<Result<TcpFlow<Ipv4Addr>, TcpError>> | undefined;
  #connectResult: Result<TcpFlow<Ipv4Addr>, TcpError> | undefined;
  readonly #burst: Uint8Array[] = [];
  readonly #writes: { result: Result<void, TcpWriteError> | undefined }[] = [];
  #read: { result: ReadOutcome | undefined } | undefined;
  #lastTsVal = 0;
  #time = 0;
  #line = 0;

  constructor(options: ScriptOptions) {
    this.#tolerance = options.toleranceMs ?? 0;
    const ip = new CaptureIp(SUT, (_src, _dst, payload) => this.#capture(payload), options.mtu ?? 1480);
    this.#pseudo = pseudoHeaderSum(ip.pseudoheader(SUT, PEER, "tcp", 0));
    this.sut = new TcpLayer<Ipv4Addr>({
      ip,
      clock: this.clock,
      random: new SeededRandom(1),
      config: options.config ?? {},
    });
  }

  async run(script: string): Promise<void> {
    const lines = script.split("\n");
    for (let i = 0; i < lines.length; i++) {
      this.#line = i + 1;
      const text = lines[i]!.replace(/(\/\/|#).*$/, "").trim();
      if (text === "") continue;
      const match = /^(\+?)(\d+(?:\.\d+)?)\s+(.*)$/.exec(text);
      if (match === null) this.#fail(`expected "<time> <statement>", got "${text}"`);
      const seconds = Number(match[2]);
      const at = Math.round((match[1] === "+" ? this.#time / 1000 + seconds : seconds) * 1e6) / 1e3;
      if (at < this.#time) this.#fail(`time ${at} ms goes back before ${this.#time} ms`);
      this.#time = at;
      const statement = match[3]!;
      try {
        if (statement.startsWith(">")) await this.#expect(statement.slice(1).trim(), at);
        else {
          await this.#advanceTo(at);
          if (statement.startsWith("<<")) this.#burst.push(this.#segment(statement.slice(2).trim()));
          else if (/^<\s*icmp\s/.test(statement)) await this.#injectIcmp(statement.slice(1).trim());
          else if (statement.startsWith("<")) await this.#inject(statement.slice(1).trim());
          else await this.#statement(statement);
        }
      } catch (e) {
        if (e instanceof ScriptError) throw e;
        this.#fail(e instanceof Error ? e.message : String(e));
      }
    }
    await this.#advanceTo(this.#time);
  }

  #fail(message: string): never {
    throw new ScriptError(`script line ${this.#line} (t=${this.clock.now()} ms): ${message}`);
  }

  #capture(payload: Uint8Array): void {
    const header = new TcpHeader();
    const decoded = header.decode(payload);
    if (!decoded.ok) this.#fail(`the SUT sent an undecodable segment (${decoded.error.message})`);
    if (!checksumValid(payload, this.#pseudo)) this.#fail(`the SUT sent a segment with a bad checksum`);
    if (header.timestamp !== undefined) this.#lastTsVal = header.timestamp.val;
    if (header.has(TcpFlags.SYN)) {
      const key = `${header.srcPort}:${header.dstPort}`;
      this.#isn.set(key, header.seq);
      this.#isns.set(key, [...(this.#isns.get(key) ?? []), header.seq]);
    }
    this.#outbound.push({ time: this.clock.now(), header, payloadLength: payload.length - header.headerLength });
  }

  // Moves to `at`, failing if the SUT emitted something no line expected before then.
  async #advanceTo(at: number): Promise<void> {
    await advance(this.clock, at - this.clock.now());
    const early = this.#outbound[0];
    if (early !== undefined) this.#fail(`unexpected segment from the SUT at ${early.time} ms: ${this.#print(early)}`);
  }

  async #expect(text: string, at: number): Promise<void> {
    const spec = parseSegment(text, (m) => this.#fail(m));
    if (this.#outbound.length === 0) await advance(this.clock, Math.max(0, at + this.#tolerance - this.clock.now()));
    const got = this.#outbound.shift();
    if (got === undefined) this.#fail(`expected "${text}" by ${at} ms, the SUT sent nothing`);
    const problems: string[] = [];
    if (Math.abs(got.time - at) > this.#tolerance + 1e-9) problems.push(`sent at ${got.time} ms instead of ${at} ms`);
    const h = got.header;
    const sutPort = h.srcPort;
    if (spec.port !== undefined && h.dstPort !== spec.port) problems.push(`to port ${h.dstPort}, not ${spec.port}`);
    this.#sutPort = sutPort;
    const key = `${sutPort}:${h.dstPort}`;
    const isn = this.#isn.get(key) ?? 0;
    const flagsMask = TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST | TcpFlags.PSH | TcpFlags.ACK;
    if ((h.flags & flagsMask) !== spec.flags)
      problems.push(`flags ${flagText(h.flags)} instead of ${flagText(spec.flags)}`);
    const rel = (h.seq - isn) >>> 0;
    // A RST answering a segment for no connection carries the peer's numbers, not ours.
    const seq = this.#isn.has(key) ? rel : h.seq;
    if (seq !== spec.start >>> 0) problems.push(`seq ${seq} instead of ${spec.start}`);
    if (got.payloadLength !== spec.length)
      problems.push(`${got.payloadLength} payload bytes instead of ${spec.length}`);
    if (spec.ack !== undefined) {
      if (!h.has(TcpFlags.ACK)) problems.push("no ACK");
      else if (h.ack !== spec.ack >>> 0) problems.push(`ack ${h.ack} instead of ${spec.ack}`);
    }
    if (spec.win !== undefined && spec.win !== "*" && h.window !== spec.win)
      problems.push(`win ${h.window} instead of ${spec.win}`);
    if (spec.options !== undefined) problems.push(...optionProblems(spec.options, h));
    if (problems.length > 0) this.#fail(`expected "${text}", got "${this.#print(got)}": ${problems.join("; ")}`);
  }

  async #inject(text: string): Promise<void> {
    const segments = [...this.#burst.splice(0), this.#segment(text)];
    // No await between the segments of a burst: nothing else runs until all are in.
    const inputs = segments.map((segment) => this.sut.input(PEER, SUT, segment));
    await Promise.all(inputs);
    await settle();
  }

  // `icmp KIND SEQ [mtu N]`: an ICMP error quoting the first 8 bytes of a SUT segment.
  async #injectIcmp(text: string): Promise<void> {
    const [, kind, seqText, mtuKey, mtuText] = text.split(/\s+/);
    if (kind === undefined || seqText === undefined || (mtuKey !== undefined && mtuKey !== "mtu")) {
      this.#fail(`expected "icmp KIND SEQ [mtu N]", got "${text}"`);
    }
    const isn = this.#isn.get(`${this.#sutPort}:${this.#peerPort}`) ?? 0;
    const quote = new Uint8Array(8);
    const view = new DataView(quote.buffer);
    view.setUint16(0, this.#sutPort);
    view.setUint16(2, this.#peerPort);
    view.setUint32(4, (Number(seqText) + isn) >>> 0);
    this.sut.icmpError({
      from: PEER,
      kind: kind as IcmpErrorKind,
      type: 0,
      code: 0,
      nextHopMtu: mtuText === undefined ? 0 : Number(mtuText),
      src: SUT,
      dst: PEER,
      protocol: IpProtocol.tcp,
      payload: quote,
    });
    await settle();
  }

  #segment(text: string): Uint8Array {
    const spec = parseSegment(text, (m) => this.#fail(m));
    if (spec.port !== undefined) this.#peerPort = spec.port;
    const sutPort = this.#sutPort;
    const key = `${sutPort}:${this.#peerPort}`;
    const isn = spec.isn === undefined ? (this.#isn.get(key) ?? 0) : this.#isns.get(key)?.[spec.isn - 1];
    if (isn === undefined) this.#fail(`the SUT sent no SYN number ${spec.isn} on ${key}`);
    const h = new TcpHeader();
    h.srcPort = this.#peerPort;
    h.dstPort = sutPort;
    h.seq = spec.start >>> 0;
    h.flags = spec.flags;
    h.ack = spec.ack === undefined ? 0 : (spec.ack + isn) >>> 0;
    h.window = spec.win === undefined || spec.win === "*" ? 65535 : spec.win;
    const o = spec.options;
    if (o !== undefined) {
      if (o.mss !== undefined) h.mss = o.mss === "*" ? 1460 : o.mss;
      if (o.wscale !== undefined) h.windowScale = o.wscale === "*" ? 7 : o.wscale;
      if (o.sackOK === true) h.sackPermitted = true;
      if (o.ts !== undefined) {
        const val = o.ts.val === "*" ? Math.floor(this.clock.now()) : o.ts.val;
        h.setTimestamp(val, o.ts.ecr === "*" ? this.#lastTsVal : o.ts.ecr);
      }
      if (o.sack !== undefined) {
        h.sackCount = o.sack.length;
        o.sack.forEach(([l, r], k) => {
          h.sackBlocks[2 * k] = (l + isn) >>> 0;
          h.sackBlocks[2 * k + 1] = (r + isn) >>> 0;
        });
      }
    }
    const headerLength = h.encodedLength();
    const segment = new Uint8Array(headerLength + spec.length);
    h.encode(segment);
    for (let i = 0; i < spec.length; i++) segment[headerLength + i] = (spec.start + i) & 0xff;
    const checksum = segmentChecksum([segment], this.#pseudo, segment.length);
    segment[16] = checksum >>> 8;
    segment[17] = checksum & 0xff;
    return segment;
  }

  async #statement(text: string): Promise<void> {
    const [verb, ...args] = text.split(/\s+/);
    const arg = args[0];
    switch (verb) {
      case "listen": {
        const port = Number(arg);
        const backlog = args[1] === "backlog" ? Number(args[2]) : undefined;
        this.#sutPort = port;
        this.sut.listen(port, (flow) => void this.#accepted.push(flow), backlog === undefined ? {} : { backlog });
        return;
      }
      case "connect": {
        this.#peerPort = Number(arg);
        this.#connectResult = undefined;
        this.#connect = this.sut.createConnection(PEER, this.#peerPort);
        void this.#connect.then((r) => {
          this.#connectResult = r;
        });
        await settle();
        const syn = this.#outbound.find((c) => c.header.has(TcpFlags.SYN));
        if (syn !== undefined) this.#sutPort = syn.header.srcPort;
        return;
      }
      case "connected": {
        const r = this.#connectResult;
        if (r === undefined) this.#fail("the connection is not established yet");
        if (!r.ok) this.#fail(`the connection failed: ${r.error.kind}`);
        this.#flow = r.value;
        return;
      }
      case "connect-error": {
        const r = this.#connectResult;
        if (r === undefined) this.#fail(`createConnection has not failed (still pending)`);
        if (r.ok) this.#fail("createConnection succeeded");
        if (r.error.kind !== arg) this.#fail(`createConnection failed with ${r.error.kind}, not ${arg}`);
        return;
      }
      case "connect-pending":
        if (this.#connectResult !== undefined) this.#fail("createConnection already settled");
        return;
      case "accept": {
        const flow = this.#accepted.shift();
        if (flow === undefined) this.#fail("no connection was handed to the listener");
        this.#flow = flow;
        return;
      }
      case "no-accept":
        if (this.#accepted.length > 0) this.#fail(`${this.#accepted.length} connection(s) were handed to the listener`);
        return;
      case "write": {
        const n = Number(arg);
        const slot: { result: Result<void, TcpWriteError> | undefined } = { result: undefined };
        this.#writes.push(slot);
        const data = new Uint8Array(n).map((_, i) => i & 0xff);
        void this.#current()
          .write(data)
          .then((r) => {
            slot.result = r;
          });
        await settle();
        return;
      }
      case "write-ok":
      case "write-error":
      case "write-pending": {
        const slot = this.#writes[0];
        if (slot === undefined) this.#fail("no write to check");
        if (verb === "write-pending") {
          if (slot.result !== undefined)
            this.#fail(`the write already settled (${slot.result.ok ? "ok" : slot.result.error.kind})`);
          return;
        }
        this.#writes.shift();
        const r = slot.result;
        if (r === undefined) this.#fail("the write is still pending");
        if (verb === "write-ok" && !r.ok) this.#fail(`the write failed with ${r.error.kind}`);
        if (verb === "write-error" && (r.ok || r.error.kind !== arg)) {
          this.#fail(`expected the write to fail with ${arg}, got ${r.ok ? "ok" : r.error.kind}`);
        }
        return;
      }
      case "read": {
        if (this.#read === undefined) {
          const slot: { result: ReadOutcome | undefined } = { result: undefined };
          void this.#current()
            .read()
            .then((r) => {
              slot.result = r;
            });
          this.#read = slot;
          await settle();
        }
        const r = this.#read.result;
        if (arg === "pending") {
          if (r !== undefined) this.#fail(`the read already returned ${describeRead(r)}`);
          return;
        }
        this.#read = undefined;
        if (r === undefined) this.#fail(`expected the read to give ${arg}, it is pending`);
        const got = describeRead(r);
        if (got !== arg) this.#fail(`expected the read to give ${arg}, got ${got}`);
        return;
      }
      case "shutdown":
        await this.#current().shutdown(arg as "read" | "write" | "read_write");
        await settle();
        return;
      case "close":
        void this.#current().close();
        await settle();
        return;
      case "nodelay":
        this.#current().setNoDelay(arg === "on");
        await settle();
        return;
      case "stats": {
        const stats = this.sut.stats() as unknown as Record<string, number>;
        for (let i = 0; i + 1 < args.length; i += 2) {
          const key = args[i]!;
          if (!(key in stats)) this.#fail(`no statistic "${key}"`);
          if (stats[key] !== Number(args[i + 1])) this.#fail(`stats ${key} is ${stats[key]}, not ${args[i + 1]}`);
        }
        return;
      }
      case "wait":
        return;
      case "port":
        // Injections go to this SUT port (for segments to ports nobody listens on).
        this.#sutPort = Number(arg);
        return;
      default:
        this.#fail(`unknown statement "${text}"`);
    }
  }

  #current(): TcpFlow<Ipv4Addr> {
    if (this.#flow === undefined) this.#fail("no current flow (use accept or connected first)");
    return this.#flow;
  }

  #print(c: Captured): string {
    const h = c.header;
    const key = `${h.srcPort}:${h.dstPort}`;
    const isn = this.#isn.get(key) ?? 0;
    const seq = this.#isn.has(key) ? (h.seq - isn) >>> 0 : h.seq;
    const end = (seq + c.payloadLength) >>> 0;
    let text = `${flagText(h.flags)} ${seq}:${end}(${c.payloadLength})`;
    if (h.has(TcpFlags.ACK)) text += ` ack ${h.ack}`;
    text += ` win ${h.window}`;
    const opts: string[] = [];
    if (h.mss !== undefined) opts.push(`mss ${h.mss}`);
    if (h.sackPermitted) opts.push("sackOK");
    if (h.timestamp !== undefined) opts.push(`TS val ${h.timestamp.val} ecr ${h.timestamp.ecr}`);
    if (h.windowScale !== undefined) opts.push(`wscale ${h.windowScale}`);
    if (h.sackCount > 0) {
      const blocks: string[] = [];
      for (let k = 0; k < h.sackCount; k++) blocks.push(`${h.sackBlocks[2 * k]}:${h.sackBlocks[2 * k + 1]}`);
      opts.push(`sack ${blocks.join(" ")}`);
    }
    return opts.length > 0 ? `${text} <${opts.join(",")}>` : text;
  }
}

function describeRead(r: ReadOutcome): string {
  if (!r.ok) return r.error.kind;
  return r.value.kind === "eof" ? "eof" : String(r.value.data.length);
}

function flagText(flags: number): string {
  let s = "";
  if (flags & TcpFlags.SYN) s += "S";
  if (flags & TcpFlags.FIN) s += "F";
  if (flags & TcpFlags.RST) s += "R";
  if (flags & TcpFlags.PSH) s += "P";
  if (flags & TcpFlags.ACK) s += ".";
  return s;
}

function parseSegment(text: string, fail: (message: string) => never): SegmentSpec {
  const optionsStart = text.indexOf("<");
  const head = optionsStart >= 0 ? text.slice(0, optionsStart) : text;
  const tokens = head.trim().split(/\s+/);
  let i = 0;
  let port: number | undefined;
  if (tokens[i]?.startsWith("@")) port = Number(tokens[i++]!.slice(1));
  const flagToken = tokens[i++] ?? "";
  let flags = 0;
  for (const ch of flagToken) {
    const bit = { S: TcpFlags.SYN, F: TcpFlags.FIN, R: TcpFlags.RST, P: TcpFlags.PSH, ".": TcpFlags.ACK }[ch];
    if (bit === undefined) fail(`unknown flag "${ch}" in "${flagToken}"`);
    flags |= bit;
  }
  const range = /^(\d+):(\d+)\((\d+)\)$/.exec(tokens[i++] ?? "");
  if (range === null) fail(`expected start:end(length) in "${text}"`);
  const start = Number(range[1]);
  const end = Number(range[2]);
  const length = Number(range[3]);
  if ((end - start) >>> 0 !== length) fail(`${start}:${end} is not ${length} bytes long`);
  let ack: number | undefined;
  let isn: number | undefined;
  let win: number | "*" | undefined;
  while (i < tokens.length) {
    const key = tokens[i++];
    const value = tokens[i++];
    if (key === "ack") ack = Number(value);
    else if (key === "isn") isn = Number(value);
    else if (key === "win") win = value === "*" ? "*" : Number(value);
    else fail(`unknown segment field "${key}"`);
  }
  let options: OptionSpec | undefined;
  if (optionsStart >= 0) {
    const body = text.slice(optionsStart + 1, text.lastIndexOf(">")).trim();
    options = {};
    for (const item of body
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")) {
      const words = item.split(/\s+/);
      const value = (w: string | undefined): Value => (w === "*" ? "*" : Number(w));
      switch (words[0]) {
        case "mss":
          options.mss = value(words[1]);
          break;
        case "wscale":
          options.wscale = value(words[1]);
          break;
        case "sackOK":
          options.sackOK = true;
          break;
        case "TS":
          options.ts = { val: value(words[2]), ecr: value(words[4]) };
          break;
        case "sack":
          options.sack = words.slice(1).map((b) => {
            const [l, r] = b.split(":").map(Number);
            return [l!, r!];
          });
          break;
        case "nop":
        case "eol":
          break;
        default:
          fail(`unknown option "${item}"`);
      }
    }
  }
  return { port, flags, start, end, length, ack, isn, win, options };
}

function optionProblems(o: OptionSpec, h: TcpHeader): string[] {
  const problems: string[] = [];
  const check = (name: string, want: Value, got: number | undefined): void => {
    if (got === undefined) problems.push(`no ${name} option`);
    else if (want !== "*" && want !== got) problems.push(`${name} ${got} instead of ${want}`);
  };
  if (o.mss !== undefined) check("mss", o.mss, h.mss);
  if (o.wscale !== undefined) check("wscale", o.wscale, h.windowScale);
  if (o.sackOK === true && !h.sackPermitted) problems.push("no sackOK option");
  if (o.ts !== undefined) {
    check("TS val", o.ts.val, h.timestamp?.val);
    check("TS ecr", o.ts.ecr, h.timestamp?.ecr);
  }
  if (o.sack !== undefined) {
    // The SUT's SACK blocks name the peer's sequence numbers, which scripts write as they are.
    const got: string[] = [];
    for (let k = 0; k < h.sackCount; k++) got.push(`${h.sackBlocks[2 * k]}:${h.sackBlocks[2 * k + 1]}`);
    const want = o.sack.map(([l, r]) => `${l}:${r}`);
    if (got.join(" ") !== want.join(" "))
      problems.push(`sack ${got.join(" ") || "(none)"} instead of ${want.join(" ")}`);
  }
  return problems;
}
