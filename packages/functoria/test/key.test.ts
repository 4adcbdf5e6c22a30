import {
  Context,
  ap,
  conv,
  defaultValue,
  flag,
  ifValue,
  key,
  type keyContext,
  keyEquals,
  keySet,
  map,
  matchValue,
  opt,
  optAll,
  parseCommandLine,
  pure,
  required,
  value,
} from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";

const keyA = key("a", flag({ names: ["a"] }));
const keyB = key("b", opt(conv.int, 0, { names: ["b"] }));
const keyC = key("c", required(conv.string, { names: ["c"] }));
const keyD = key("d", optAll(conv.int, { names: ["d"] }));

const settings = (keys: Parameters<typeof keyContext>[1]) => ({
  tool: { name: "keys", version: "0" },
  keys,
  queryKinds: ["packages"],
});

function parse(argv: string[], keys = [keyA, keyB, keyC, keyD]): Context {
  const line = parseCommandLine(["configure", ...argv], settings(keys));
  if (line.kind !== "run") throw new Error(line.kind === "error" ? line.message : "printed");
  return line.command.context;
}

describe("keys (test_key)", () => {
  it("evaluates if_ and match_", () => {
    const context = Context.empty.add(keyA, true).add(keyB, 0).add(keyC, "foo");
    expect(ifValue(value(keyA), "hello", "world").eval(context)).toBe("hello");
    expect(matchValue(value(keyB), (b) => (b === 0 ? "hello" : "world")).eval(context)).toBe("hello");
    expect(matchValue(value(keyC), (c) => (c === "foo" ? "hello" : "world")).eval(context)).toBe("hello");
    expect(ifValue(value(keyA), "hello", "world").eval(Context.empty)).toBe("world");
  });

  it("gets given values and defaults", () => {
    const context = parse(["-a", "-c", "foo"]);
    expect(context.get(keyA)).toBe(true);
    expect(context.get(keyB)).toBe(0);
    expect(context.get(keyC)).toBe("foo");
    expect(parse(["-a"]).get(keyC)).toBeUndefined();
  });

  it("finds nothing for absent keys", () => {
    const context = parse([]);
    expect(context.find(keyA)).toBeUndefined();
    expect(context.find(keyB)).toBeUndefined();
    expect(context.find(keyC)).toBeUndefined();
    expect(context.mem(keyB)).toBe(false);
  });

  it("merges with the command line winning over the cache", () => {
    const cache = Context.empty.add(keyA, true).add(keyC, "foo");
    const cli = Context.empty.add(keyA, false).add(keyB, 2);
    const merged = cli.merge(cache);
    expect(merged.get(keyA)).toBe(false);
    expect(merged.get(keyB)).toBe(2);
    expect(merged.get(keyC)).toBe("foo");
    expect(merged.names()).toEqual(["a", "b", "c"]);
  });

  it("compares keys by name and default", () => {
    const k1 = key("foo", opt(conv.int, 1, { names: ["foo"] }));
    const k2 = key("foo", opt(conv.int, 2, { names: ["foo"] }));
    const k3 = key("foo", opt(conv.int, 1, { names: ["foo"] }));
    expect(keyEquals(k1, k2)).toBe(false);
    expect(keyEquals(k1, k3)).toBe(true);
    expect(keySet([k1, k2, k3])).toHaveLength(2);
  });

  it("accepts two same-name keys with different defaults on one command line", () => {
    const k1 = key("foo", opt(conv.int, 1, { names: ["foo"] }));
    const k2 = key("foo", opt(conv.int, 2, { names: ["foo"] }));
    expect(parse([], [k1, k2]).mem(k1)).toBe(false);
    expect(parse(["--foo", "5"], [k1, k2]).get(k2)).toBe(5);
  });

  it("collects repeated opt_all occurrences", () => {
    expect(parse(["-d", "1", "-d", "2", "-d", "3"]).get(keyD)).toEqual([1, 2, 3]);
    expect(parse([]).get(keyD)).toEqual([]);
    const line = parseCommandLine(["configure", "-d"], settings([keyD]));
    expect(line).toMatchObject({ kind: "error", message: "option -d needs an argument" });
  });

  it("rejects the empty key name with upstream's message", () => {
    expect(() => key("", flag({ names: ["x"] }))).toThrow("Key.create: key name cannot be the empty string");
  });

  it("tracks dependencies through combinators", () => {
    const v = ap(
      map(value(keyA), (a) => (b: number) => `${a}:${b}`),
      value(keyB),
    );
    expect(v.deps.map((k) => k.name)).toEqual(["a", "b"]);
    expect(defaultValue(v)).toBe("false:0");
    expect(pure(3).deps).toEqual([]);
  });

  it("reports invalid values in Cmdliner's words", () => {
    const target = key(
      "target",
      opt(
        conv.enumeration([
          ["y", "y"],
          ["x", "x"],
        ]),
        "y",
        { names: ["t", "target"] },
      ),
    );
    expect(parseCommandLine(["configure", "-t", "nonexistent"], settings([target]))).toMatchObject({
      kind: "error",
      message: "option -t: invalid value nonexistent, expected either y or x",
    });
    expect(parseCommandLine(["configure", "-b", "x"], settings([keyB]))).toMatchObject({
      message: "option -b: invalid value x, expected an integer",
    });
  });

  it("reads environment variables when the option is absent", () => {
    const mode = key("target", opt(conv.string, "unix", { names: ["t"], env: "MODE" }));
    const line = parseCommandLine(["configure"], { ...settings([mode]), env: { MODE: "xen" } });
    expect(line.kind === "run" && line.command.context.get(mode)).toBe("xen");
    const cli = parseCommandLine(["configure", "-t", "hvt"], { ...settings([mode]), env: { MODE: "xen" } });
    expect(cli.kind === "run" && cli.command.context.get(mode)).toBe("hvt");
  });
});

describe("converters", () => {
  it("parses enumerations with unique prefixes", () => {
    const e = conv.enumeration([
      ["unix", 1],
      ["xen", 2],
      ["unikraft-qemu", 3],
    ]);
    expect(e.parse("xen")).toEqual({ ok: true, value: 2 });
    expect(e.parse("unik")).toEqual({ ok: true, value: 3 });
    expect(e.parse("uni")).toEqual({
      ok: false,
      error: "invalid value uni, ambiguous and could be either unix or unikraft-qemu",
    });
    expect(e.parse("hvt")).toEqual({
      ok: false,
      error: "invalid value hvt, expected one of unix, xen or unikraft-qemu",
    });
    expect(e.print(3)).toBe("unikraft-qemu");
  });

  it("parses ints, bools and lists", () => {
    expect(conv.int.parse("0x10")).toEqual({ ok: true, value: 16 });
    expect(conv.int.parse("-3")).toEqual({ ok: true, value: -3 });
    expect(conv.int.parse("1.5").ok).toBe(false);
    expect(conv.bool.parse("maybe")).toEqual({
      ok: false,
      error: "invalid value maybe, expected either true or false",
    });
    const l = conv.list(conv.int);
    expect(l.parse("1,2,3")).toEqual({ ok: true, value: [1, 2, 3] });
    expect(l.parse("1,x").ok).toBe(false);
    expect(l.print([4, 5])).toBe("4,5");
  });
});
