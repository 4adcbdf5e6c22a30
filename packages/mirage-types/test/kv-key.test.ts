import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Key } from "../src/kv-key.js";
import { expectThrow, sign } from "./helpers.js";

/** A segment as `Key.v` can produce it: any text without "/", not empty. */
const segment = fc.string({ unit: "binary", minLength: 1, maxLength: 6 }).filter((s) => !s.includes("/"));
const key = fc.array(segment, { maxLength: 5 }).map((segments) => segments.reduce((k, s) => k.add(s), Key.empty));

describe("Key.v", () => {
  it.each([
    ["/a//b/", ["a", "b"]],
    ["/a/b", ["a", "b"]],
    ["a/b", ["a", "b"]],
    ["//a///b//", ["a", "b"]],
    ["/", []],
    ["", []],
    ["///", []],
    ["/foo", ["foo"]],
    ["/a b/ c ", ["a b", " c "]],
  ])("splits %j into %j", (path, segments) => {
    expect(Key.v(path).segments).toEqual(segments);
  });

  it("reads back what toString writes", () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(Key.v(k.toString()).equals(k)).toBe(true);
      }),
    );
  });
});

describe("Key.add", () => {
  it("adds one segment", () => {
    expect(Key.empty.add("a").add("b").equals(Key.v("/a/b"))).toBe(true);
    expect(Key.v("/a").add("b c").toString()).toBe("/a/b c");
  });

  it.each([
    ["x/y", '"x/y" is not a valid segment'],
    ["/", '"/" is not a valid segment'],
    ["a/", '"a/" is not a valid segment'],
    ['q"/', '"q\\"/" is not a valid segment'],
    ["a\n/b", '"a\\n/b" is not a valid segment'],
    ["é/", '"\\195\\169/" is not a valid segment'],
  ])("refuses %j with upstream's Invalid_argument text", (bad, message) => {
    expectThrow(() => Key.v("/a").add(bad), TypeError, message);
  });

  it("keeps an empty segment, as upstream does", () => {
    const k = Key.empty.add("");
    expect(k.segments).toEqual([""]);
    expect(k.equals(Key.empty)).toBe(false);
    expect(k.toString()).toBe("/");
  });

  it("leaves the original key alone", () => {
    const k = Key.v("/a");
    k.add("b");
    expect(k.segments).toEqual(["a"]);
  });
});

describe("Key structure", () => {
  it("has basename and parent, with the empty key as its own parent", () => {
    expect(Key.v("/a/b/c").basename()).toBe("c");
    expect(Key.v("/a/b/c").parent().toString()).toBe("/a/b");
    expect(Key.v("/a").parent().equals(Key.empty)).toBe(true);
    expect(Key.empty.basename()).toBe("");
    expect(Key.empty.parent().equals(Key.empty)).toBe(true);
    expect(Key.empty.parent().parent().segments).toEqual([]);
  });

  it("rebuilds a key from its parent and basename", () => {
    fc.assert(
      fc.property(key, (k) => {
        fc.pre(k.segments.length > 0);
        expect(k.parent().add(k.basename()).equals(k)).toBe(true);
      }),
    );
  });

  it("appends keys", () => {
    expect(Key.v("/a/b").append(Key.v("/c/d")).toString()).toBe("/a/b/c/d");
    expect(Key.v("/a").append(Key.empty).equals(Key.v("/a"))).toBe(true);
    expect(Key.empty.append(Key.v("/a")).equals(Key.v("/a"))).toBe(true);
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        expect(
          a
            .append(b)
            .append(c)
            .equals(a.append(b.append(c))),
        ).toBe(true);
        expect(a.append(b).segments).toEqual([...a.segments, ...b.segments]);
      }),
    );
  });

  it("freezes its segments", () => {
    const k = Key.v("/a/b");
    expect(Object.isFrozen(k.segments)).toBe(true);
    expect(() => (k.segments as string[]).push("c")).toThrow(TypeError);
    expect(k.toString()).toBe("/a/b");
  });
});

describe("Key text", () => {
  it("always starts with /, and the empty key is /", () => {
    expect(Key.empty.toString()).toBe("/");
    expect(Key.v("a/b").toString()).toBe("/a/b");
    fc.assert(
      fc.property(key, (k) => {
        expect(k.toString().startsWith("/")).toBe(true);
        expect(k.toString()).toBe(`/${k.segments.join("/")}`);
      }),
    );
  });

  it.each([
    ["/a/b", "/a/b"],
    ["/", "/"],
    ["/a\tb", "/a\\tb"],
    ["/l1\nl2\r\b", "/l1\\nl2\\r\\b"],
    ['/say "hi"', '/say \\"hi\\"'],
    ["/back\\slash", "/back\\\\slash"],
    ["/café", "/caf\\195\\169"],
    ["/\u0001\u001f\u007f", "/\\001\\031\\127"],
    ["/😀", "/\\240\\159\\152\\128"],
    ["/\ud800", "/\\239\\191\\189"],
    ["/~ !", "/~ !"],
  ])("prints %j escaped as Mirage_kv.Key.pp: %s", (path, printed) => {
    expect(Key.v(path).pp()).toBe(printed);
  });

  it("prints printable ASCII unchanged", () => {
    const printable = fc.constantFrom(..."abc XYZ019-_.~!#$%&'()*+,:;<=>?@[]^`{|}");
    const plain = fc.string({ unit: printable, minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 4 }), (segments) => {
        const k = segments.reduce((acc, s) => acc.add(s), Key.empty);
        expect(k.pp()).toBe(k.toString());
      }),
    );
  });
});

describe("Key order", () => {
  it("orders from the top segment down, a key before the keys below it", () => {
    const sorted = ["/b", "/a/b", "/a", "/", "/b/a", "/a/c", "/ab"].map((p) => Key.v(p));
    sorted.sort((x, y) => x.compare(y));
    expect(sorted.map(String)).toEqual(["/", "/a", "/a/b", "/a/c", "/ab", "/b", "/b/a"]);
  });

  it("compares segments by code point, the order of their UTF-8 bytes", () => {
    expect(Key.v("/\uffff").compare(Key.v("/\u{10000}"))).toBe(-1);
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        const order = Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
        expect(sign(Key.v(a).compare(Key.v(b)))).toBe(order);
      }),
      { numRuns: 1000 },
    );
  });

  it("is a total order consistent with equals", () => {
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        expect(sign(a.compare(b))).toBe(sign(-b.compare(a)));
        expect(a.compare(b) === 0).toBe(a.equals(b));
        expect(a.compare(b) === 0).toBe(a.toString() === b.toString());
        if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
      }),
    );
    const k = Key.v("/a/b");
    expect(k.compare(Key.v("a/b/"))).toBe(0);
  });
});

describe("Key.isPrefixOf", () => {
  it.each([
    ["/", "/a/b", true],
    ["/a", "/a/b", true],
    ["/a/b", "/a/b", true],
    ["/a", "/ab", false],
    ["/a/b", "/a", false],
    ["/b", "/a/b", false],
  ])("%s of %s: %s", (prefix, other, expected) => {
    expect(Key.v(prefix).isPrefixOf(Key.v(other))).toBe(expected);
  });

  it("holds for a key and every key below it", () => {
    fc.assert(
      fc.property(key, key, (k, below) => {
        expect(k.isPrefixOf(k.append(below))).toBe(true);
        expect(k.append(below).isPrefixOf(k)).toBe(below.segments.length === 0);
      }),
    );
  });
});
