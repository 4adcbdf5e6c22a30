import {
  alternatives,
  bareDialect,
  matchPrefix,
  quotedDialect,
  standardConverters,
  suggestOption,
  tooManyArguments,
  unknownOption,
} from "@mirage-ts/cmdliner";
import { describe, expect, it } from "vitest";

const quoted = standardConverters(quotedDialect);
const bare = standardConverters(bareDialect);
const colours = [
  ["red", 1],
  ["green", 2],
  ["grey", 3],
] as const;

describe("dialects: one implementation, two wordings", () => {
  it("quotes alternatives or leaves them bare", () => {
    expect(alternatives(["a", "b"])).toBe("either 'a' or 'b'");
    expect(alternatives(["a", "b", "c"], bareDialect)).toBe("one of a, b or c");
  });

  it("offers the names a typo away in each dialect's words", () => {
    const hints = suggestOption("--taget=x", ["--target", "--dry-run"]);
    expect(hints).toEqual(["--target"]);
    expect(unknownOption("--taget", hints)).toBe("unknown option '--taget'. Did you mean '--target'?");
    expect(unknownOption("--taget", hints, bareDialect)).toBe("unknown option --taget, did you mean --target?");
    expect(unknownOption("-z", [])).toBe("unknown option '-z'");
  });

  it("says what to do with stray words", () => {
    expect(tooManyArguments(["a", "b"])).toBe("too many arguments, don't know what to do with 'a', 'b'");
    expect(tooManyArguments(["a", "b"], bareDialect)).toBe("too many arguments, dont know what to do with a, b");
  });

  it("reads unique prefixes of enumerated values only in the bare dialect", () => {
    const q = quoted.enumeration(colours);
    const b = bare.enumeration(colours);
    expect(b.parse("gre")).toEqual({
      ok: false,
      error: "invalid value gre, ambiguous and could be either green or grey",
    });
    expect(b.parse("r")).toEqual({ ok: true, value: 1 });
    expect(q.parse("r")).toEqual({ ok: false, error: "invalid value 'r'. Did you mean 'red'?" });
    expect(q.parse("gren")).toEqual({
      ok: false,
      error: "invalid value 'gren'. Did you mean either 'green' or 'grey'?",
    });
    expect(b.parse("rad")).toEqual({ ok: false, error: "invalid value rad, did you mean red?" });
    expect(b.parse("purple")).toEqual({ ok: false, error: "invalid value purple, expected one of red, green or grey" });
  });

  it("words the other converters' complaints in the dialect", () => {
    expect(bare.int.parse("1.5")).toEqual({ ok: false, error: "invalid value 1.5, expected an integer" });
    expect(quoted.bool.parse("yes")).toEqual({
      ok: false,
      error: "invalid value 'yes', expected either 'true' or 'false'",
    });
    expect(bare.list(bare.int).parse("1,,2")).toEqual({ ok: true, value: [1, 2] });
  });

  it("matches a unique prefix, or says which names it could be", () => {
    expect(matchPrefix("con", ["configure", "clean"])).toEqual({ kind: "found", name: "configure" });
    expect(matchPrefix("c", ["configure", "clean"])).toEqual({ kind: "ambiguous", candidates: ["configure", "clean"] });
    expect(matchPrefix("x", ["configure"])).toEqual({ kind: "unknown" });
  });
});
