import {
  bareDialect,
  flag,
  info,
  intConv,
  opt,
  optAll,
  optional,
  quotedDialect,
  required,
  stringConv,
} from "@mirage-ts/cmdliner";
import { describe, expect, it } from "vitest";

const at = (name: string, value?: string) => ({ name, value });

describe("the arguments, as Cmdliner's Arg", () => {
  it("required gives a T when given and the missing-option error when absent", () => {
    const port = required(intConv, info(["p", "port"]));
    expect(port.kind).toBe("required");
    expect(port.evaluate([at("-p", "80")], undefined)).toEqual({ ok: true, value: 80 });
    expect(port.evaluate([], undefined)).toEqual({ ok: false, error: "required option --port is missing" });
    expect(port.evaluate([], "8080")).toEqual({ ok: true, value: 8080 });
    expect(port.note).toBe("required");
  });

  it("opt, optional, flag and optAll give their defaults when absent", () => {
    expect(opt(stringConv, "x", info(["a"])).evaluate([], undefined)).toEqual({ ok: true, value: "x" });
    expect(optional(stringConv, info(["b"])).evaluate([], undefined)).toEqual({ ok: true, value: undefined });
    expect(flag(info(["c"])).evaluate([], undefined)).toEqual({ ok: true, value: false });
    expect(optAll(intConv, [7], info(["d"])).evaluate([], undefined)).toEqual({ ok: true, value: [7] });
  });

  it("optAll takes its default or leaves it out (then [])", () => {
    const written = optAll(intConv, info(["d"]));
    expect(written.evaluate([], undefined)).toEqual({ ok: true, value: [] });
    expect(written.evaluate([at("-d", "1"), at("-d", "2")], undefined)).toEqual({ ok: true, value: [1, 2] });
    expect(written.print([1, 2])).toBe("1,2");
  });

  it("words its errors in the dialect asked for", () => {
    const count = opt(intConv, 0, info(["count"]));
    const bad = [at("--count", "x")];
    expect(count.evaluate(bad, undefined)).toEqual({
      ok: false,
      error: "option '--count': invalid value 'x', expected an integer",
    });
    // The converter's own message keeps its wording: the tool builds its converters in bareDialect.
    expect(count.evaluate(bad, undefined, bareDialect)).toEqual({
      ok: false,
      error: "option --count: invalid value 'x', expected an integer",
    });
    const twice = [at("--count", "1"), at("--count", "2")];
    expect(count.evaluate(twice, undefined, bareDialect)).toEqual({
      ok: false,
      error: "option --count cannot be repeated",
    });
    expect(count.evaluate(twice, undefined, quotedDialect)).toEqual({
      ok: false,
      error: "option '--count' cannot be repeated",
    });
    expect(flag(info(["v"])).evaluate([at("-v", "x")], undefined, bareDialect)).toEqual({
      ok: false,
      error: "option -v is a flag, it cannot take the argument x",
    });
  });

  it("reads a flag's environment variable leniently, as Cmdliner", () => {
    const debug = flag(info(["debug"], { env: "DEBUG" }));
    expect(debug.evaluate([], "yes")).toEqual({ ok: true, value: true });
    expect(debug.evaluate([], "0")).toEqual({ ok: true, value: false });
    expect(debug.evaluate([], "maybe", bareDialect)).toEqual({
      ok: false,
      error: "environment variable DEBUG: invalid value maybe, expected one of true, yes, false or no",
    });
  });

  it("refuses bad names whichever way the info is written", () => {
    expect(() => info([])).toThrow(TypeError);
    expect(() => flag({ names: ["-x"] })).toThrow(/Invalid argument name "-x"/);
    expect(() => opt(stringConv, "", { names: [] })).toThrow(TypeError);
  });

  it("leaves the fields not given out of an info", () => {
    expect(info(["a"], { doc: "A.", docv: undefined })).toEqual({ names: ["a"], doc: "A." });
  });
});
