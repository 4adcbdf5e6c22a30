import {
  Action,
  decodeContextCache,
  dryRun,
  encodeContextCache,
  escapeArg,
  readContextCache,
  unescapeArg,
  writeContextCache,
} from "@mirage-ts/functoria";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("context cache", () => {
  it("writes one escaped argument per line, as upstream", () => {
    expect(encodeContextCache(["configure", "--file=app/config.ts"])).toBe("configure\n--file=app/config.ts\n");
  });

  it("round-trips the cache.t vote (a shell passes the backslashes through)", () => {
    const vote = String.raw`--vote=foo;;bar;;;\n\nllll;;;sdaads;;\n\t\0`;
    const text = encodeContextCache(["configure", vote]);
    expect(text).toBe(String.raw`configure
--vote=foo;;bar;;;\\n\\nllll;;;sdaads;;\\n\\t\\0
`);
    expect(decodeContextCache(text)).toEqual(["configure", vote]);
  });

  it("escapes control characters, newlines and non-ASCII bytes", () => {
    const arg = "a\nb\tc\u0000d\u007fé";
    expect(escapeArg(arg)).toBe("a\\x0Ab\\x09c\\x00d\\x7F\\xC3\\xA9");
    expect(unescapeArg(escapeArg(arg))).toBe(arg);
    expect(decodeContextCache(encodeContextCache(["", "x", ""]))).toEqual(["", "x", ""]);
  });

  it("round-trips any command line", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" })), (argv) => {
        const text = encodeContextCache(argv);
        expect(text.split("\n")).toHaveLength(argv.length + 1);
        expect(decodeContextCache(text)).toEqual(argv.map((a) => unescapeArg(escapeArg(a))));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme-composite" })), (argv) => {
        expect(decodeContextCache(encodeContextCache(argv))).toEqual(argv);
      }),
    );
  });

  it("rejects corrupted lines", () => {
    expect(unescapeArg("bad\\q")).toBeUndefined();
    expect(unescapeArg("\\x4")).toBeUndefined();
    expect(() => decodeContextCache("ok\n\\xZZ\n")).toThrow('"\\\\xZZ": cannot parse');
  });

  it("reads and writes through actions", async () => {
    const r = await dryRun(
      Action.seq([writeContextCache("mirage/context", ["configure", "-t", "xen"])]).bind(() =>
        readContextCache("mirage/context"),
      ),
    );
    expect(r.result).toEqual({ ok: true, value: ["configure", "-t", "xen"] });
    expect(r.trace).toEqual([
      "Write to mirage/context (17 bytes)",
      "Is_file? mirage/context -> true",
      "Read mirage/context (17 bytes)",
    ]);
    expect((await dryRun(readContextCache("none"))).result).toEqual({ ok: true, value: undefined });
    expect((await dryRun(readContextCache("c"), { files: { c: "\\q\n" } })).result).toMatchObject({
      ok: false,
      error: expect.stringContaining("invalid context cache c"),
    });
  });
});
