import { PassThrough } from "node:stream";
import { ppFlowWriteError } from "@mirage-ts/mirage-types";
import { connectConsole } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";
import { fixturesMs } from "./support/limits.js";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, written: () => written };
}

describe("connectConsole", () => {
  it("reads what arrives on its input, then end-of-file", async () => {
    const { input, output } = streams();
    const console = await connectConsole({ input, output });
    const pending = console.read();
    input.write("hello");
    const first = await pending;
    expect(first.ok && first.value.kind === "data" && text(first.value.data)).toBe("hello");
    input.write("more");
    input.end();
    const second = await console.read();
    expect(second.ok && second.value.kind === "data" && text(second.value.data)).toBe("more");
    expect(await console.read()).toEqual({ ok: true, value: { kind: "eof" } });
    expect(await console.read()).toEqual({ ok: true, value: { kind: "eof" } });
  });

  it("writes buffers in order and logs lines with a newline", async () => {
    const { input, output, written } = streams();
    const console = await connectConsole({ input, output });
    expect(await console.write(Buffer.from("a"))).toEqual({ ok: true, value: undefined });
    expect((await console.writev([Buffer.from("b"), new Uint8Array(0), Buffer.from("c")])).ok).toBe(true);
    await console.log("a line");
    expect(written()).toBe("abca line\n");
  });

  it("refuses writes after shutdown of the write side and ends the output", async () => {
    const { input, output, written } = streams();
    const console = await connectConsole({ input, output });
    await console.shutdown("write");
    const result = await console.write(Buffer.from("late"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(ppFlowWriteError(result.error)).toBe("attempted to write to a closed flow");
    expect(output.writableEnded).toBe(true);
    expect(written()).toBe("");
  });

  it("answers end-of-file to pending and later reads after shutdown of the read side", async () => {
    const { input, output } = streams();
    const console = await connectConsole({ input, output });
    const pending = console.read();
    await console.shutdown("read");
    expect(await pending).toEqual({ ok: true, value: { kind: "eof" } });
    input.write("ignored");
    expect(await console.read()).toEqual({ ok: true, value: { kind: "eof" } });
    expect((await console.write(Buffer.from("still writable"))).ok).toBe(true);
  });

  it("closes both directions on disconnect", async () => {
    const { input, output } = streams();
    const console = await connectConsole({ input, output });
    await console.disconnect();
    expect(await console.read()).toEqual({ ok: true, value: { kind: "eof" } });
    expect((await console.write(Buffer.from("x"))).ok).toBe(false);
  });

  it("reads only on demand, leaving an idle input paused", async () => {
    const { input, output } = streams();
    await connectConsole({ input, output });
    expect(input.isPaused()).toBe(true);
  });
});

describe("the console of a real process", { timeout: fixturesMs(1) }, () => {
  it("reads stdin, writes stdout, and does not keep the process alive once idle", async () => {
    const { startFixture, finished, waitForLine } = await import("./support/run-fixture.js");
    const child = startFixture("console");
    const outcome = finished(child);
    child.stdin?.write("ping\n"); // stdin stays open: only the idle console could keep the process
    await waitForLine(child, "bye");
    const result = await outcome;
    expect(result.stdout).toBe("got: ping\nbye\n");
    expect(result.code).toBe(0);
    child.stdin?.destroy();
  });
});
