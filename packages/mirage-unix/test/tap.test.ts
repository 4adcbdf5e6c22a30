/**
 * What connectTap refuses before it opens anything: no root, and no addon, needed. The addon refuses
 * the same names itself, so that no caller can make it cut a name and open another interface.
 */
import { connectTap } from "@mirage-ts/mirage-unix";
import { itRequiring, missingTapAddon } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { loadTapAddon } from "../src/internal/tap-addon.js";

// 16 bytes in UTF-8 though 8 characters: a byte-sized buffer of 16 would have cut it to 15.
const multibyte = "é".repeat(8);

describe("connectTap's checks", () => {
  it("refuses a name over 15 bytes in UTF-8, naming it and the rule", async () => {
    await expect(connectTap(multibyte)).rejects.toThrow(
      new RangeError(
        `tap interface name "${multibyte}" has 16 bytes in UTF-8: tap interface names have at most 15 bytes; ` +
          "choose a shorter name",
      ),
    );
    await expect(connectTap("x".repeat(16))).rejects.toThrow("tap interface names have at most 15 bytes");
  });

  it("refuses a name with a NUL, which would end it early", async () => {
    await expect(connectTap("tap0\0evil")).rejects.toThrow(
      new RangeError(
        'tap interface name "tap0\\u0000evil" contains a NUL character: tap interface names cannot contain one ' +
          "(the kernel would read the name only up to it); remove it",
      ),
    );
  });

  it.each([0, -1, 2.5, Number.NaN, 524_289])("refuses queueLength %s, naming the accepted range", async (length) => {
    await expect(connectTap("tap0", { queueLength: length })).rejects.toThrow(
      new RangeError(`queueLength must be an integer from 1 to 524288 (frames), got ${length}`),
    );
  });

  itRequiring(missingTapAddon(), "the addon itself refuses both names before opening anything", {}, () => {
    const addon = loadTapAddon();
    expect(() => addon.open(multibyte, false)).toThrow(new RangeError("tap interface names have at most 15 bytes"));
    expect(() => addon.open("tap0\0evil", false)).toThrow(
      new RangeError("tap interface names cannot contain a NUL character"),
    );
    expect(() => addon.queueLength(-1)).toThrow(expect.objectContaining({ code: "EBADF" }));
    expect(() => addon.netdev(-1)).toThrow(expect.objectContaining({ code: "EBADF" }));
  });
});
