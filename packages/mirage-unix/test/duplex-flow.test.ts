// duplexFlow over a loopback TCP connection (a Duplex whose far end the test drives): reads and writes,
// half-closing, and a reset seen by reads and writes alike.
import { once } from "node:events";
import { type Socket, createConnection, createServer } from "node:net";
import { duplexFlow } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";

/** A connected pair: `near` for the flow, `far` for the test. */
async function socketPair(): Promise<{ near: Socket; far: Socket; done: () => void }> {
  const server = createServer({ allowHalfOpen: true });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const near = createConnection({ host: "127.0.0.1", port: address.port, allowHalfOpen: true });
  const [[far]] = await Promise.all([accepted, once(near, "connect")]);
  return {
    near,
    far,
    done: () => {
      near.destroy();
      far.destroy();
      server.close();
    },
  };
}

/** Everything `far` receives until the flow's FIN. */
async function readToEnd(far: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  far.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(far, "end");
  return Buffer.concat(chunks).toString();
}

describe("duplexFlow", () => {
  it("reads what the far end sends, writes in order, and shuts the write side with a FIN", async () => {
    const { near, far, done } = await socketPair();
    try {
      const flow = duplexFlow(near);
      far.write("hello");
      const read = await flow.read();
      expect(read.ok && read.value.kind === "data" && Buffer.from(read.value.data).toString()).toBe("hello");
      const received = readToEnd(far);
      expect(await flow.write(Buffer.from("one "))).toEqual({ ok: true, value: undefined });
      expect(await flow.writev([Buffer.from("two "), Buffer.from("three")])).toEqual({ ok: true, value: undefined });
      await flow.shutdown("write");
      expect(await received).toBe("one two three");
      expect(await flow.write(Buffer.from("late"))).toEqual({ ok: false, error: { kind: "closed" } });
      far.end();
      expect(await flow.read()).toEqual({ ok: true, value: { kind: "eof" } });
      await flow.close();
    } finally {
      done();
    }
  });

  it("reports the far end's reset to reads and to later writes", async () => {
    const { near, far, done } = await socketPair();
    try {
      const flow = duplexFlow(near);
      const failed = once(near, "error");
      far.resetAndDestroy();
      await failed;
      expect(await flow.read()).toEqual({ ok: false, error: { kind: "reset" } });
      expect(await flow.write(Buffer.from("after"))).toEqual({ ok: false, error: { kind: "reset" } });
    } finally {
      done();
    }
  });
});
