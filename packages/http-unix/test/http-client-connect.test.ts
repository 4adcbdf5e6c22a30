// The fetch client gives up on a connection the stack cannot make in time: a host that never answers
// fails the fetch after connectTimeoutMs with a message naming it, rather than hanging.
import { connectHttpClient } from "@mirage-ts/http-unix";
import type { Ipaddr, Tcp } from "@mirage-ts/mirage-types";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Lab, directPair } from "./support/lab.js";

let lab: Lab;
beforeAll(async () => {
  lab = await directPair(29);
});
afterAll(() => lab.disconnect());

/** The client stack's TCP, with connection attempts that are never answered (a black hole). */
function blackHole(tcp: Tcp<Ipaddr>): Tcp<Ipaddr> & { attempts: number } {
  const layer = {
    attempts: 0,
    listen: tcp.listen.bind(tcp),
    unlisten: tcp.unlisten.bind(tcp),
    input: tcp.input.bind(tcp),
    disconnect: tcp.disconnect.bind(tcp),
    createConnection: () => {
      layer.attempts++;
      return new Promise<never>(() => {});
    },
  };
  return layer;
}

it("fails a fetch whose connection is not made within connectTimeoutMs, naming host, port and time", async () => {
  const tcp = blackHole(lab.client.tcp());
  const client = connectHttpClient(tcp, { connectTimeoutMs: 200 });
  const failure = await client.fetch("http://10.7.0.1:8080/").then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TypeError); // fetch's "fetch failed", with the reason as its cause
  expect((failure as TypeError).cause).toMatchObject({ message: "connect to 10.7.0.1:8080: no answer within 200 ms" });
  expect(tcp.attempts).toBeGreaterThanOrEqual(1);
  expect(client.stats().connectFailures).toBeGreaterThanOrEqual(1);
  await client.disconnect();
});

it("disconnects at once while a connection is still being made (an aborted fetch's)", async () => {
  const tcp = blackHole(lab.client.tcp());
  // A connect timeout far beyond the test's own limit: a disconnect that waited for it would time out.
  const client = connectHttpClient(tcp, { connectTimeoutMs: 3_600_000 });
  const deadline = new AbortController();
  const fetching = client.fetch("http://10.7.0.1:8080/", { signal: deadline.signal }).catch((error) => error);
  await expect.poll(() => tcp.attempts).toBe(1);
  deadline.abort(new DOMException("no answer", "TimeoutError"));
  expect(await fetching).toMatchObject({ name: "TimeoutError" });
  await client.disconnect();
});
