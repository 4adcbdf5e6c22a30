import { ExitRequest, flag, info, intConv, logSource, makeConv, opt, registerArg } from "@mirage-ts/mirage-runtime";
import { type Block, type BlockInfo, type Random, ppBlockError, ppBlockWriteError } from "@mirage-ts/mirage-types";
import { type State, initialState, length, marshal, play, ppGame, unmarshal } from "./lotto.js";

const log = logSource("lottery");

const resetAll = registerArg(flag(info(["reset-all"], { doc: "Reset all state on disk and quit" })));
const slotConv = makeConv<bigint>({
  docv: "INT",
  parse: (text) => {
    const parsed = intConv.parse(text);
    return parsed.ok ? { ok: true, value: BigInt(parsed.value) } : parsed;
  },
});
const slot = registerArg(opt(slotConv, 0n, info(["slot"], { doc: "Sector to read and write game state to" })));
const reset = registerArg(
  flag(info(["reset"], { doc: "Reset the state on disk at the specified slot (using --slot, default 0) and quit" })),
);

async function writeState(disk: Block, info: BlockInfo, sector: bigint, state: State): Promise<void> {
  const buffer = new Uint8Array(info.sectorSize);
  marshal(buffer, state);
  const written = await disk.write(sector, [buffer]);
  if (!written.ok) {
    log.err(`Error writing new state: ${ppBlockWriteError(written.error)}`);
    throw new ExitRequest(6);
  }
}

async function readState(disk: Block, info: BlockInfo, sector: bigint): Promise<State> {
  const buffer = new Uint8Array(info.sectorSize);
  const read = await disk.read(sector, [buffer]);
  if (!read.ok) {
    log.err(`Error reading: ${ppBlockError(read.error)}`);
    throw new ExitRequest(6);
  }
  const state = unmarshal(buffer);
  if (!state.ok) {
    log.err(`Error reading state: ${state.error}`);
    throw new ExitRequest(6);
  }
  return state.state;
}

async function playGame(disk: Block, random: Random, info: BlockInfo, sector: bigint): Promise<void> {
  const state = await readState(disk, info, sector);
  const bytes = random.generate(4);
  const [game, next] = play(state, new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
  log.app(ppGame(game));
  log.info("Saving new game state...");
  await writeState(disk, info, sector, next);
  log.info("Done!");
  log.app("Thank you for playing! Exiting...");
}

export const Main = {
  async start(disk: Block, random: Random): Promise<void> {
    const info = await disk.getInfo();
    if (info.sectorSize < length) {
      log.err(`Sector size ${info.sectorSize} is too short for storing lottery data!`);
      throw new ExitRequest(5);
    }
    if (slot() < 0n || slot() >= info.sizeSectors) {
      log.err(`Invalid sector ${slot()}`);
      throw new ExitRequest(5);
    }
    if (resetAll()) {
      for (let sector = 0n; sector < info.sizeSectors; sector++) await writeState(disk, info, sector, initialState);
      log.app(`All ${info.sizeSectors} game slots reset.`);
    } else if (reset()) {
      await writeState(disk, info, slot(), initialState);
      log.app(`Reset game slot ${slot()}.`);
    } else await playGame(disk, random, info, slot());
  },
};
