/**
 * The game and its state on disk: "LOTO", the high score as a big-endian uint32, then the CRC-32
 * of those 8 bytes, also big-endian (12 bytes; the rest of the sector is zero).
 */

export interface State {
  readonly hiscore: number;
}

export const initialState: State = { hiscore: 0 };

export type Game =
  | { readonly kind: "new-hiscore"; readonly hiscore: number; readonly oldHiscore: number }
  | { readonly kind: "tie"; readonly hiscore: number }
  | { readonly kind: "loss"; readonly loser: number; readonly hiscore: number };

export function ppGame(game: Game): string {
  switch (game.kind) {
    case "new-hiscore":
      return `YOU WON! You beat the old high score ${game.oldHiscore} with ${game.hiscore}!`;
    case "tie":
      return `TIE! You tied with the high score ${game.hiscore}`;
    case "loss":
      return `YOU LOST! With ${game.loser} you didn't beat the high score ${game.hiscore}`;
  }
}

/** Plays `draw` (an unsigned 32-bit number) against the state. */
export function play(state: State, draw: number): [Game, State] {
  if (draw === state.hiscore) return [{ kind: "tie", hiscore: draw }, state];
  if (draw > state.hiscore)
    return [{ kind: "new-hiscore", hiscore: draw, oldHiscore: state.hiscore }, { hiscore: draw }];
  return [{ kind: "loss", loser: draw, hiscore: state.hiscore }, state];
}

const MAGIC = "LOTO";
export const length = 12;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO-HDLC, as checkseum's Crc32). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function marshal(buffer: Uint8Array, state: State): void {
  if (buffer.length < length) throw new RangeError("Lotto.marshal");
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  for (let i = 0; i < MAGIC.length; i++) buffer[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, state.hiscore);
  view.setUint32(8, crc32(buffer.subarray(0, 8)));
  buffer.fill(0, length);
}

export function unmarshal(buffer: Uint8Array): { ok: true; state: State } | { ok: false; error: string } {
  if (buffer.length < length) throw new RangeError("Lotto.unmarshal");
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  if (String.fromCharCode(...buffer.subarray(0, 4)) !== MAGIC)
    return { ok: false, error: "bad magic; is this lottery data?" };
  if (view.getUint32(8) !== crc32(buffer.subarray(0, 8)))
    return { ok: false, error: "bad checksum; possible data corruption" };
  return { ok: true, state: { hiscore: view.getUint32(4) } };
}
