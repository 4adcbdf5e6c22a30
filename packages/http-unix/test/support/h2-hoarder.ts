// A hostile HTTP/2 client on a raw socket: it opens its windows as wide as HTTP/2 allows, asks for
// many streams at once, and then never reads a byte, so everything the server sends piles up below it.
import { type Socket, connect } from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const MAX_WINDOW = 2 ** 31 - 1;

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** A GET of `path` as an HPACK block of literals and static-table entries only. */
function getHeaders(path: string, authority: string): Buffer {
  const literal = (index: number, value: string) => {
    const bytes = Buffer.from(value, "latin1");
    if (bytes.length > 126) throw new Error("header value too long for this client");
    return Buffer.concat([Buffer.from([index, bytes.length]), bytes]); // literal without indexing
  };
  // :method GET (2), :scheme http (6), :path (4) and :authority (1) as literals.
  return Buffer.concat([Buffer.from([0x82, 0x86]), literal(4, path), literal(1, authority)]);
}

/**
 * Connects to `port` on loopback, asks for `path` on `streams` streams with every window at its
 * largest, and stops reading. Resolves once the requests are written; the socket is the caller's to
 * destroy.
 */
export async function h2Hoarder(port: number, path: string, streams: number): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {}); // the server's reset is what the tests wait for
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.pause();
  const settings = Buffer.alloc(12);
  settings.writeUInt16BE(0x4, 0); // SETTINGS_INITIAL_WINDOW_SIZE
  settings.writeUInt32BE(MAX_WINDOW, 2);
  settings.writeUInt16BE(0x5, 6); // SETTINGS_MAX_FRAME_SIZE
  settings.writeUInt32BE(2 ** 24 - 1, 8);
  const increment = Buffer.alloc(4);
  increment.writeUInt32BE(MAX_WINDOW - 65_535);
  const frames = [PREFACE, frame(0x4, 0, 0, settings), frame(0x8, 0, 0, increment)];
  for (let i = 0; i < streams; i++) frames.push(frame(0x1, 0x5, 2 * i + 1, getHeaders(path, `127.0.0.1:${port}`)));
  await new Promise<void>((resolve, reject) => socket.write(Buffer.concat(frames), (e) => (e ? reject(e) : resolve())));
  return socket;
}
