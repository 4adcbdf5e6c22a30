import { once } from "node:events";
import { type Server, createServer } from "node:http";
import { type ReadResult, type Result, err, ok } from "@mirage-ts/mirage-types";
import { connectSocketStack, flowDuplex } from "@mirage-ts/mirage-unix";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freePort } from "./support/ports.js";

type ReadOutcome = Result<ReadResult, { kind: "reset" }>;

/** A flow driven by the test: it counts reads, holds writes until released, and records calls. */
class ScriptedFlow {
  readonly written: Uint8Array[] = [];
  readonly calls: string[] = [];
  readonly writeSizes: number[] = [];
  reads = 0;
  #pendingRead: ((r: ReadOutcome) => void) | undefined;
  #queued: ReadOutcome[] = [];
  #holdWrites = false;
  #heldWrites: Array<() => void> = [];
  writeError: { kind: "reset" } | undefined;

  read(): Promise<ReadOutcome> {
    this.reads++;
    const next = this.#queued.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => {
      this.#pendingRead = resolve;
    });
  }
  /** Delivers bytes, end-of-file or an error to the reader. */
  deliver(outcome: ReadOutcome): void {
    const pending = this.#pendingRead;
    this.#pendingRead = undefined;
    if (pending === undefined) this.#queued.push(outcome);
    else pending(outcome);
  }
  /** Writes held now. */
  get heldWrites(): number {
    return this.#heldWrites.length;
  }
  /** Lets the oldest held write complete. */
  releaseOne(): void {
    this.#heldWrites.shift()?.();
  }
  get waitingRead(): boolean {
    return this.#pendingRead !== undefined;
  }
  holdWrites(): void {
    this.#holdWrites = true;
  }
  releaseWrites(): void {
    this.#holdWrites = false;
    for (const release of this.#heldWrites.splice(0)) release();
  }
  write(buffer: Uint8Array): Promise<Result<void, { kind: "reset" } | { kind: "closed" }>> {
    return this.writev([buffer]);
  }
  writev(buffers: readonly Uint8Array[]): Promise<Result<void, { kind: "reset" } | { kind: "closed" }>> {
    this.calls.push("write");
    this.writeSizes.push(buffers.reduce((n, b) => n + b.length, 0));
    const done = (): Result<void, { kind: "reset" }> => {
      if (this.writeError !== undefined) return err(this.writeError);
      for (const b of buffers) this.written.push(b.slice());
      return ok(undefined);
    };
    if (!this.#holdWrites) return Promise.resolve(done());
    return new Promise((resolve) => this.#heldWrites.push(() => resolve(done())));
  }
  async shutdown(mode: string): Promise<void> {
    this.calls.push(`shutdown:${mode}`);
  }
  async close(): Promise<void> {
    this.calls.push("close");
    this.deliver(ok({ kind: "eof" }));
  }
}

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

/** Lets pending promise callbacks and I/O callbacks run (setImmediate is never faked here). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A scripted flow that can also be aborted, as TCP flows can. */
class AbortableFlow extends ScriptedFlow {
  async abort(): Promise<void> {
    this.calls.push("abort");
    this.deliver(ok({ kind: "eof" }));
  }
}

describe("flowDuplex", () => {
  it("stops reading the flow while the reader is paused, and resumes when it reads", async () => {
    const flow = new ScriptedFlow();
    const duplex = flowDuplex(flow, { readableHighWaterMark: 1024 });
    duplex.pause();
    duplex.read(0);
    for (let i = 0; i < 8; i++) flow.deliver(ok({ kind: "data", data: bytes(512) }));
    await expect.poll(() => duplex.readableLength).toBeGreaterThanOrEqual(1024);
    const readsWhenFull = flow.reads;
    // Nothing consumes: the stream must not keep pulling from the flow.
    await new Promise((resolve) => setImmediate(resolve));
    expect(flow.reads).toBe(readsWhenFull);
    expect(duplex.readableLength).toBeLessThan(8 * 512);
    let received = 0;
    duplex.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    duplex.resume();
    await expect.poll(() => received).toBe(8 * 512);
    duplex.destroy();
  });

  it("runs a write's callback only once the flow took the bytes, and says when to wait", async () => {
    const flow = new ScriptedFlow();
    flow.holdWrites();
    const duplex = flowDuplex(flow, { writableHighWaterMark: 1000 });
    let calledBack = false;
    const first = duplex.write(bytes(600), () => {
      calledBack = true;
    });
    expect(first).toBe(true);
    expect(duplex.write(bytes(600))).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calledBack).toBe(false);
    const drained = once(duplex, "drain");
    flow.releaseWrites();
    await drained;
    expect(calledBack).toBe(true);
    expect(flow.written.reduce((n, b) => n + b.length, 0)).toBe(1200);
    duplex.destroy();
  });

  it("half-closes: end() shuts down the write side, the flow's end-of-file ends the readable side", async () => {
    const flow = new ScriptedFlow();
    const duplex = flowDuplex(flow);
    const chunks: Buffer[] = [];
    duplex.on("data", (c: Buffer) => chunks.push(c));
    flow.deliver(ok({ kind: "data", data: new TextEncoder().encode("ping") }));
    flow.deliver(ok({ kind: "eof" }));
    await once(duplex, "end");
    expect(Buffer.concat(chunks).toString()).toBe("ping");
    // The peer's FIN leaves our side writable (allowHalfOpen by default).
    expect(duplex.writable).toBe(true);
    duplex.end("pong");
    await once(duplex, "close");
    // FIN after the last write, and the flow released once both sides are done.
    expect(flow.calls).toEqual(["write", "shutdown:write", "close"]);
  });

  it("maps a read error to one 'error' with code ECONNRESET, then 'close'", async () => {
    const flow = new ScriptedFlow();
    const duplex = flowDuplex(flow);
    const events: string[] = [];
    let code: string | undefined;
    duplex.on("error", (e: NodeJS.ErrnoException) => {
      events.push("error");
      code = e.code;
    });
    duplex.on("close", () => events.push("close"));
    duplex.resume();
    flow.deliver(err({ kind: "reset" }));
    await expect.poll(() => events).toEqual(["error", "close"]);
    expect(code).toBe("ECONNRESET");
    expect(flow.calls).toContain("close");
  });

  it("fails a write whose flow write fails with EPIPE for a closed flow", async () => {
    const flow = new ScriptedFlow();
    const duplex = flowDuplex(flow);
    const failure = once(duplex, "error");
    flow.writeError = { kind: "reset" };
    duplex.write(bytes(10));
    const [error] = (await failure) as [NodeJS.ErrnoException];
    expect(error.code).toBe("ECONNRESET");
    expect(error.syscall).toBe("write");
  });

  it("emits 'timeout' after the idle time set by setTimeout, as a socket does", async () => {
    const flow = new ScriptedFlow();
    const duplex = flowDuplex(flow);
    const timedOut = once(duplex, "timeout");
    duplex.setTimeout(20);
    await timedOut;
    expect(duplex.destroyed).toBe(false);
    duplex.destroy();
  });

  it("with a write timeout, hands the flow 64 KiB at a time and times out only when none is taken", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const flow = new ScriptedFlow();
      flow.holdWrites();
      const duplex = flowDuplex(flow);
      let timeouts = 0;
      duplex.setWriteTimeout(200, () => {
        timeouts++;
      });
      let done = false;
      duplex.write(bytes(200_000), () => {
        done = true;
      });
      // The peer takes a piece every 150 ms, under the timeout each time: slow, but not stalled.
      for (let taken = 0; taken < 4; taken++) {
        await settled();
        expect(flow.heldWrites).toBe(1);
        vi.advanceTimersByTime(150);
        flow.releaseOne();
      }
      await settled();
      expect(done).toBe(true);
      expect(flow.writeSizes).toEqual([65_536, 65_536, 65_536, 200_000 - 3 * 65_536]);
      expect(timeouts).toBe(0);
      // Now it takes nothing: 'writeTimeout' once the whole timeout passed, and the stream stays open
      // for the listener to decide.
      duplex.write(bytes(10));
      await settled();
      vi.advanceTimersByTime(199);
      expect(timeouts).toBe(0);
      vi.advanceTimersByTime(1);
      expect(timeouts).toBe(1);
      expect(duplex.destroyed).toBe(false);
      duplex.destroy();
    } finally {
      vi.useRealTimers();
    }
  });

  it("resetAndDestroy aborts a flow that can be aborted, and closes one that cannot", async () => {
    const abortable = new AbortableFlow();
    abortable.holdWrites();
    const duplex = flowDuplex(abortable);
    duplex.write(bytes(10));
    const closed = once(duplex, "close");
    duplex.resetAndDestroy();
    await closed;
    expect(abortable.calls).toEqual(["write", "abort"]);
    const plain = new ScriptedFlow();
    const other = flowDuplex(plain);
    const otherClosed = once(other, "close");
    other.resetAndDestroy();
    await otherClosed;
    expect(plain.calls).toEqual(["close"]);
  });

  describe("node:http over flows of the host socket stack", () => {
    let server: Server | undefined;
    afterAll(() => server?.close());

    it("serves requests of a connection handed to http.Server with emit('connection')", async () => {
      const stack = await connectSocketStack({ ipv4Only: true });
      server = createServer((req, res) => {
        res.setHeader("x-remote", String(req.socket.remoteAddress));
        res.end(`hello ${req.url}`);
      });
      const port = await freePort("tcp");
      stack.tcp().listen(port, (flow) => {
        server?.emit("connection", flowDuplex(flow));
      });
      for (const path of ["/a", "/b"]) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("x-remote")).toBe("127.0.0.1");
        expect(await response.text()).toBe(`hello ${path}`);
      }
      await stack.disconnect();
    });
  });
});
