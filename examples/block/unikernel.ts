import { ExitRequest, logSource } from "@mirage-ts/mirage-runtime";
import { type Block, ppBlockError, ppBlockInfo, ppBlockWriteError } from "@mirage-ts/mirage-types";

const log = logSource("block", "block tester");

let testsStarted = 0;
let testsPassed = 0;
let testsFailed = 0;

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function checkEqual(a: Uint8Array, b: Uint8Array): void {
  if (a.length !== b.length || a.some((byte, i) => byte !== b[i]))
    log.warn(`Buffers unequal: ${JSON.stringify(text(a))} vs ${JSON.stringify(text(b))}`);
}

/** `n` sectors, the i-th filled with "i: All work and no play makes Dave a dull boy.\n" over and over. */
function allocDullBoy(sectorSize: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const phrase = `${i}: All work and no play makes Dave a dull boy.\n`;
    return Uint8Array.from({ length: sectorSize }, (_, j) => phrase.charCodeAt(j % phrase.length));
  });
}

function sectorsOf(sectorSize: number, n: number): Uint8Array[] {
  const buffer = new Uint8Array(n * sectorSize);
  return Array.from({ length: n }, (_, i) => buffer.subarray(i * sectorSize, (i + 1) * sectorSize));
}

async function checkSectorWrite(b: Block, offset: bigint, length: number): Promise<void> {
  log.debug(`writing ${length} sector(s) at ${offset}`);
  testsStarted++;
  const info = await b.getInfo();
  const sectors = allocDullBoy(info.sectorSize, length);
  const written = await b.write(offset, sectors);
  if (!written.ok) {
    log.err(ppBlockWriteError(written.error));
    throw new ExitRequest(2);
  }
  const readBack = sectorsOf(info.sectorSize, length);
  const read = await b.read(offset, readBack);
  if (!read.ok) {
    log.err(ppBlockError(read.error));
    throw new ExitRequest(2);
  }
  for (const [i, sector] of sectors.entries()) checkEqual(sector, readBack[i] ?? new Uint8Array());
  testsPassed++;
}

async function checkSectorWriteFailure(b: Block, offset: bigint, length: number): Promise<void> {
  log.debug(`writing ${length} sectors at ${offset}`);
  testsStarted++;
  const info = await b.getInfo();
  log.debug("Expecting error output from the following operation...");
  if ((await b.write(offset, allocDullBoy(info.sectorSize, length))).ok) {
    log.err("-- expected failure; got success");
    testsFailed++;
  } else testsPassed++;
}

async function checkSectorReadFailure(b: Block, offset: bigint, length: number): Promise<void> {
  log.info(`reading ${length} sectors at ${offset}`);
  testsStarted++;
  const info = await b.getInfo();
  log.debug("Expecting error output from the following operation...");
  if ((await b.read(offset, [new Uint8Array(length * info.sectorSize)])).ok) {
    log.err("-- expected failure; got success");
    testsFailed++;
  } else testsPassed++;
}

export const Main = {
  async start(b: Block): Promise<void> {
    const info = await b.getInfo();
    log.info(ppBlockInfo(info));
    const size = info.sizeSectors;
    await checkSectorWrite(b, 0n, 1);
    await checkSectorWrite(b, size - 1n, 1);
    await checkSectorWrite(b, 0n, 2);
    await checkSectorWrite(b, size - 2n, 2);
    await checkSectorWrite(b, 0n, 12);
    await checkSectorWrite(b, size - 12n, 12);
    await checkSectorWriteFailure(b, size, 1);
    await checkSectorWriteFailure(b, size - 11n, 12);
    await checkSectorReadFailure(b, size, 1);
    await checkSectorReadFailure(b, size - 11n, 12);
    log.info("Test sequence finished");
    log.info(`Total tests started: ${testsStarted}`);
    log.info(`Total tests passed:  ${testsPassed}`);
    log.info(`Total tests failed:  ${testsFailed}`);
  },
};
