// Consumer (a): a downstream device author installs only mirage-types from the registry and implements a
// Flow.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Published, compile, installedMirage, makeProject, remove } from "./harness.js";

const memoryFlow =
  `
import { type Flow, type FlowWriteError, type ReadResult, type Result, data, eof, err, ok, ppFlowWriteError } ` +
  `from "@mirage-ts/mirage-types";

/** A loopback flow: what is written is read back. */
export class MemoryFlow implements Flow<never, FlowWriteError> {
  #queue: Uint8Array[] = [];
  #writable = true;
  async read(): Promise<Result<ReadResult, never>> {
    const next = this.#queue.shift();
    return ok(next === undefined ? eof : data(next));
  }
  async write(buffer: Uint8Array): Promise<Result<void, FlowWriteError>> {
    if (!this.#writable) return err({ kind: "closed" });
    this.#queue.push(buffer.slice());
    return ok();
  }
  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, FlowWriteError>> {
    for (const b of buffers) {
      const r = await this.write(b);
      if (!r.ok) return r;
    }
    return ok();
  }
  async shutdown(mode: "read" | "write" | "read_write"): Promise<void> {
    if (mode !== "read") this.#writable = false;
  }
  async close(): Promise<void> {
    this.#writable = false;
  }
}

const flow = new MemoryFlow();
await flow.write(Uint8Array.from("ping", (c) => c.charCodeAt(0)));
const first = await flow.read();
await flow.close();
const late = await flow.write(new Uint8Array(1));
const text = first.ok && first.value.kind === "data" ? String.fromCharCode(...first.value.data) : "?";
const printed = late.ok ? "ok" : ppFlowWriteError(late.error);
export const report = text + " / " + printed;
`;

/** The suite, on the packages `published()` gives once the registry is up. */
export function mirageTypesOnly(published: () => Published): void {
  describe("consumer (a): only mirage-types", () => {
    const projects: string[] = [];
    afterAll(() => projects.forEach(remove));

    it("implements and type-checks a custom Flow device, and runs it", () => {
      const project = makeProject(published(), ["mirage-types"], {
        "src/memory-flow.ts": memoryFlow,
        "src/main.ts":
          'import { report } from "./memory-flow.js";\n' +
          "const g = globalThis as unknown as { console: { log(s: string): void } };\n" +
          "g.console.log(report);\n",
      });
      projects.push(project);
      expect(installedMirage(project)).toEqual(["mirage-types"]);
      compile(project);
      const out = execFileSync(process.execPath, [join(project, "out", "main.js")], { encoding: "utf8" });
      expect(out.trim()).toBe("ping / attempted to write to a closed flow");
    }, 120_000);

    it("rejects a Flow implementation missing a member (the signature is enforced)", () => {
      const project = makeProject(published(), ["mirage-types"], {
        "src/bad.ts":
          'import type { Flow } from "@mirage-ts/mirage-types";\n' +
          'export const f: Flow = { read: async () => ({ ok: true, value: { kind: "eof" } }) } as const;\n',
      });
      projects.push(project);
      expect(() => compile(project)).toThrow(/TS2739|TS2740|missing/);
    }, 120_000);
  });
}
