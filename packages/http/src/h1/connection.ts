/**
 * One HTTP/1.1 connection: requests read one after the other (pipelined ones wait in the buffer, so
 * they are answered in order), each head within the head timeout and the limits, each body streamed
 * to the handler, each response written with backpressure; idle keep-alive connections are closed.
 *
 * @packageDocumentation
 */

import type { Flow } from "@mirage-ts/mirage-types";
import type { ConnectionInfo, HttpHandler } from "../handler.js";
import type { HttpLimits } from "../limits.js";
import type { HttpServerCounters } from "../server-counters.js";
import type { HttpTimers } from "../timers.js";
import { Deadline } from "./deadline.js";
import { type RequestHead, parseHead } from "./head-parser.js";
import { scanHead } from "./head-scanner.js";
import { BodyError, RequestBody } from "./request-body.js";
import { webRequest } from "./request-target.js";
import { type ResponseContext, writeResponse } from "./response-writer.js";
import { WireReader } from "./wire-reader.js";

/** What a connection shares with its server. */
export interface ConnectionContext {
  readonly limits: HttpLimits;
  readonly counters: HttpServerCounters;
  readonly timers: HttpTimers;
  /** Where handler failures are reported. */
  readonly log: (message: string) => void;
}

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

type HeadRead =
  | { readonly kind: "head"; readonly head: RequestHead }
  | { readonly kind: "refuse"; readonly status: 400 | 408 | 431 }
  | { readonly kind: "idle" }
  | { readonly kind: "gone" };

/** A plain-text answer the handler never sees. */
function refusal(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

const REFUSALS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
};

/** Serves the requests of one flow. */
export class Http1Connection {
  readonly #flow: Flow<unknown, unknown>;
  readonly #wire: WireReader;
  readonly #handler: HttpHandler;
  readonly #info: Omit<ConnectionInfo, "protocol">;
  readonly #context: ConnectionContext;

  constructor(
    flow: Flow<unknown, unknown>,
    handler: HttpHandler,
    info: Omit<ConnectionInfo, "protocol">,
    context: ConnectionContext,
  ) {
    this.#flow = flow;
    this.#wire = new WireReader(flow);
    this.#handler = handler;
    this.#info = info;
    this.#context = context;
  }

  /** Serves requests until the connection closes. */
  async run(): Promise<void> {
    const counters = this.#context.counters;
    counters.connections++;
    counters.openConnections++;
    try {
      let first = true;
      while (await this.#serveOne(first)) first = false;
    } catch (error) {
      this.#context.log(`HTTP connection failed: ${String(error)}`);
    } finally {
      counters.openConnections--;
      await this.#close();
    }
  }

  async #close(): Promise<void> {
    try {
      await this.#flow.shutdown("write");
      await this.#flow.close();
    } catch {
      // Already gone.
    }
  }

  /** Serves one request; resolves to whether the connection stays open. */
  async #serveOne(first: boolean): Promise<boolean> {
    const counters = this.#context.counters;
    const read = await this.#readHead(first);
    if (read.kind === "gone") return false;
    if (read.kind === "idle") {
      counters.idleClosed++;
      return false;
    }
    if (read.kind === "refuse") {
      if (read.status === 400) counters.badRequests++;
      else if (read.status === 408) counters.headTimeouts++;
      else counters.headTooLarge++;
      return this.#refuse(read.status);
    }
    const head = read.head;
    const limit = this.#context.limits.maxBodyBytes;
    if (limit !== undefined && head.framing.kind === "length" && head.framing.length > limit) {
      counters.bodyTooLarge++;
      return this.#refuse(413);
    }
    const body = new RequestBody(this.#wire, head.framing, {
      limit,
      maxTrailerBytes: this.#context.limits.maxHeadBytes,
      onStart: async () => {
        if (head.expectContinue && head.version === "1.1") await this.#flow.write(CONTINUE);
      },
    });
    const request = webRequest(head, body);
    if (request === undefined || body.malformedAhead() !== undefined) {
      counters.badRequests++;
      return this.#refuse(400);
    }
    counters.requests++;
    let response: Response;
    try {
      response = await this.#handler(request, {
        ...this.#info,
        protocol: head.version === "1.0" ? "http/1.0" : "http/1.1",
      });
    } catch (error) {
      const failure = body.outcome;
      if (failure?.kind === "failed" || error instanceof BodyError) return this.#bodyFailed(body);
      counters.handlerErrors++;
      this.#context.log(`HTTP handler failed on ${head.method} ${head.target}: ${describe(error)}`);
      response = refusal(500, "Internal Server Error");
    }
    if (body.outcome?.kind === "failed") return this.#bodyFailed(body);
    const context: ResponseContext = { version: head.version, head: head.method === "HEAD", keepAlive: head.keepAlive };
    const written = await writeResponse(this.#flow, response, context);
    if (!written.sent || written.close) return false;
    // A client waiting for 100 Continue that never came may not send its body: do not wait for it.
    if (!body.started && head.expectContinue && head.framing.kind !== "none") return false;
    if (!(await body.drain())) {
      this.#countFailure(body);
      return false;
    }
    return true;
  }

  /** The answer to a body that failed while the handler read it (nothing was written yet). */
  async #bodyFailed(body: RequestBody): Promise<boolean> {
    const outcome = body.outcome;
    if (outcome?.kind !== "failed" || outcome.failure.kind === "closed") return false;
    this.#countFailure(body);
    return this.#refuse(outcome.failure.kind === "tooLarge" ? 413 : 400);
  }

  #countFailure(body: RequestBody): void {
    const outcome = body.outcome;
    if (outcome?.kind !== "failed") return;
    if (outcome.failure.kind === "tooLarge") this.#context.counters.bodyTooLarge++;
    else if (outcome.failure.kind === "bad") this.#context.counters.badRequests++;
  }

  /** Answers `status` and closes. */
  async #refuse(status: number): Promise<boolean> {
    const context: ResponseContext = { version: "1.1", head: false, keepAlive: false };
    await writeResponse(this.#flow, refusal(status, REFUSALS[status] ?? "Error"), context);
    return false;
  }

  /**
   * Reads a head. Waiting for its first byte is bounded by the keep-alive idle time (by the head
   * timeout on a new connection); from its first byte, the head must be complete within the head
   * timeout.
   */
  async #readHead(first: boolean): Promise<HeadRead> {
    const { limits, timers } = this.#context;
    let started = first || this.#wire.buffered.length > 0;
    let deadline = new Deadline(timers, started ? limits.headTimeoutMs : limits.keepAliveTimeoutMs);
    let scanFrom = 0;
    try {
      for (;;) {
        if (!started && this.#wire.buffered.length > 0) {
          started = true;
          deadline.cancel();
          deadline = new Deadline(timers, limits.headTimeoutMs);
        }
        const bytes = this.#wire.buffered;
        const scan = scanHead(bytes, scanFrom);
        if (scan.kind === "bareLf") return { kind: "refuse", status: 400 };
        if (scan.kind === "complete") {
          if (scan.headEnd > limits.maxHeadBytes) return { kind: "refuse", status: 431 };
          const parsed = parseHead(bytes.subarray(0, scan.headEnd), limits.maxHeaders);
          this.#wire.consume(scan.bodyStart);
          return parsed.ok ? { kind: "head", head: parsed.value } : { kind: "refuse", status: parsed.error.status };
        }
        if (bytes.length > limits.maxHeadBytes) return { kind: "refuse", status: 431 };
        scanFrom = scan.resumeAt;
        const filled = await Promise.race([this.#wire.fill(), deadline.passed]);
        if (filled === "timeout") return this.#timedOut(first);
        if (filled !== "data") return { kind: "gone" };
      }
    } finally {
      deadline.cancel();
    }
  }

  #timedOut(first: boolean): HeadRead {
    // A new connection that sent nothing in time gets the slow-head answer too (as Node's server).
    return first || this.#wire.buffered.length > 0 ? { kind: "refuse", status: 408 } : { kind: "idle" };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
