import { info, intConv, logSource, opt, registerArg } from "@mirage-ts/mirage-runtime";
import type { Random, Sleep } from "@mirage-ts/mirage-types";

const log = logSource("echo_server");

// Upstream waits up to 2.5 s per line; `--max-delay` shortens the wait (the tests use it).
const maxDelay = registerArg(
  opt(intConv, 2500, info(["max-delay"], { docv: "MS", doc: "The longest wait for a line, in milliseconds." })),
);

/** A random integer below `bound` (randomconv's `int ~bound`). */
function randomInt(random: Random, bound: number): number {
  const bytes = random.generate(4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) % bound;
}

/** "Reads" a line: a random wait, then a random number of `a`s. */
async function readLine(random: Random, sleep: Sleep): Promise<string> {
  await sleep.sleepNs(BigInt(randomInt(random, Math.max(1, maxDelay()))) * 1_000_000n);
  return "a".repeat(randomInt(random, 20));
}

export const EchoServer = {
  async start(random: Random, sleep: Sleep): Promise<void> {
    for (let n = 10; n > 0; n--) log.info(await readLine(random, sleep));
  },
};
