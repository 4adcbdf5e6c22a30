// `pnpm bench:h1`: the neutral HTTP/1.1 server of @mirage-ts/http (the browser and sim targets') beside
// Node's llhttp server of @mirage-ts/http-unix (the unix target's), in one run, on the same two tcpip
// direct stacks in-process: small requests per second from undici's fetch over 8 kept-alive
// connections, and a 16 MB download's throughput. Prints each figure and the neutral / llhttp ratio;
// it asserts nothing about speed. Run from the repository root through test-support's TypeScript loader.
import type { HttpHandler, HttpServer } from "@mirage-ts/http";
import { connectHttp1Server } from "@mirage-ts/http";
import { connectHttpClient, connectHttpServer } from "@mirage-ts/http-unix";
import { directPair } from "../test/support/lab.js";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const BYTES = Number(process.env.BENCH_BYTES ?? 16 << 20);
const CONNECTIONS = 8;

const handler: HttpHandler = (request) => {
  const url = new URL(request.url);
  if (url.pathname !== "/big") return new Response("hello", { headers: { "content-length": "5" } });
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= BYTES) return controller.close();
      const chunk = new Uint8Array(Math.min(65536, BYTES - sent));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return new Response(body, { headers: { "content-length": String(BYTES) } });
};

async function measure(name: string, serve: (tcp: Parameters<typeof connectHttp1Server>[0]) => HttpServer) {
  const lab = await directPair(41);
  const server = serve(lab.server.tcp());
  server.listen(80, handler);
  const client = connectHttpClient(lab.client.tcp(), { connectionsPerOrigin: CONNECTIONS });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next++ < REQUESTS) await (await client.fetch("http://10.7.0.1/")).text();
    }),
  );
  const rps = REQUESTS / ((performance.now() - started) / 1000);
  const t0 = performance.now();
  const big = await (await client.fetch("http://10.7.0.1/big")).arrayBuffer();
  if (big.byteLength !== BYTES) throw new Error(`${name}: got ${big.byteLength} bytes of ${BYTES}`);
  const mbits = (BYTES * 8) / 1e6 / ((performance.now() - t0) / 1000);
  await client.disconnect();
  await server.disconnect();
  await lab.disconnect();
  console.log(`${name.padEnd(36)} ${rps.toFixed(0).padStart(7)} req/s ${mbits.toFixed(1).padStart(8)} Mbit/s`);
  return { rps, mbits };
}

const llhttp = await measure("llhttp (http-unix, unix target)", (tcp) => connectHttpServer(tcp));
const neutral = await measure("neutral (http, browser/sim targets)", (tcp) => connectHttp1Server(tcp));
console.log(
  `neutral / llhttp: ${(neutral.rps / llhttp.rps).toFixed(2)}x req/s, ` +
    `${(neutral.mbits / llhttp.mbits).toFixed(2)}x Mbit/s`,
);
