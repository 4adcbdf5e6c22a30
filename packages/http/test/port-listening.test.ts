import { portListening } from "@mirage-ts/http";
import type { Tcp } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";

describe("portListening", () => {
  it("waits for the stack's listening, and rejects a port the server does not listen on", async () => {
    let bound: (() => void) | undefined;
    const asked: number[] = [];
    const tcp = {
      listening: (port: number) => {
        asked.push(port);
        return new Promise<void>((resolve) => {
          bound = resolve;
        });
      },
    } as unknown as Tcp<unknown>;
    let ready = false;
    const waiting = portListening(tcp, new Set([80]), 80).then(() => {
      ready = true;
    });
    await Promise.resolve();
    expect(ready).toBe(false);
    bound?.();
    await waiting;
    expect(asked).toEqual([80]);
    await expect(portListening(tcp, new Set([80]), 443)).rejects.toThrow("not listening on port 443");
    await expect(portListening({} as Tcp<unknown>, new Set([80]), 80)).resolves.toBeUndefined();
  });
});
