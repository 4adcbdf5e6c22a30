import {
  type Converter,
  boolConv,
  enumConv,
  floatConv,
  intConv,
  listConv,
  makeConv,
  stringConv,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";

function parsed<T>(conv: Converter<T>, text: string): T {
  const result = conv.parse(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error}`);
  return result.value;
}

function problem<T>(conv: Converter<T>, text: string): string {
  const result = conv.parse(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
  return result.error;
}

describe("intConv", () => {
  it.each([
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    ["+7", 7],
    ["1_000", 1000],
    ["0x1F", 31],
    ["-0x10", -16],
    ["0o17", 15],
    ["0b101", 5],
  ])("reads %j as %d", (text, value) => {
    expect(parsed(intConv, text)).toBe(value);
  });

  it.each(["", "x", "1.5", "1e3", "0x", "12abc", " 1", "9007199254740993"])("refuses %j", (text) => {
    expect(problem(intConv, text)).toBe(`invalid value '${text}', expected an integer`);
  });
});

describe("floatConv", () => {
  it.each([
    ["1", 1],
    ["-2.5", -2.5],
    ["1e-3", 0.001],
    [".5", 0.5],
    ["3.", 3],
    ["inf", Number.POSITIVE_INFINITY],
    ["-inf", Number.NEGATIVE_INFINITY],
  ])("reads %j", (text, value) => {
    expect(parsed(floatConv, text)).toBe(value);
  });

  it("reads nan", () => {
    expect(parsed(floatConv, "nan")).toBeNaN();
  });

  it.each(["", ".", "abc", "1.2.3", "e5"])("refuses %j", (text) => {
    expect(problem(floatConv, text)).toBe(`invalid value '${text}', expected a floating point number`);
  });
});

describe("boolConv and stringConv", () => {
  it("read exactly true and false", () => {
    expect(parsed(boolConv, "true")).toBe(true);
    expect(parsed(boolConv, "false")).toBe(false);
    expect(problem(boolConv, "yes")).toBe("invalid value 'yes', expected either 'true' or 'false'");
  });

  it("keep any string, spaces and the empty string included", () => {
    expect(parsed(stringConv, "Hello, world!")).toBe("Hello, world!");
    expect(parsed(stringConv, "")).toBe("");
    expect(stringConv.docv).toBe("");
  });
});

describe("enumConv", () => {
  const colour = enumConv([
    ["red", 1],
    ["green", 2],
    ["blue", 3],
  ] as const);

  it("maps words to values and back", () => {
    expect(parsed(colour, "green")).toBe(2);
    expect(colour.print(3)).toBe("blue");
  });

  it("lists the accepted words in the error", () => {
    expect(problem(colour, "pink")).toBe("invalid value 'pink', expected one of 'red', 'green' or 'blue'");
  });

  it("suggests the closest words for a typo, as Cmdliner does for options", () => {
    expect(problem(colour, "gren")).toBe("invalid value 'gren'. Did you mean 'green'?");
    expect(problem(colour, "bed")).toBe("invalid value 'bed'. Did you mean 'red'?");
  });

  it("refuses an empty set of choices", () => {
    expect(() => enumConv([])).toThrow(TypeError);
  });
});

describe("listConv", () => {
  const ints = listConv(intConv);

  it("splits on commas, skipping empty elements", () => {
    expect(parsed(ints, "1,2,,3,")).toEqual([1, 2, 3]);
    expect(parsed(ints, "")).toEqual([]);
  });

  it("reports the first bad element", () => {
    expect(problem(ints, "1,x,y")).toBe("invalid value 'x', expected an integer");
  });

  it("prints back with the separator and derives its metavariable", () => {
    expect(ints.print([1, 2])).toBe("1,2");
    expect(ints.docv).toBe("INT,…");
    expect(listConv(stringConv, ";").docv).toBe("VAL;…");
  });
});

describe("makeConv", () => {
  it("builds a converter from parse and print functions", () => {
    const port = makeConv<number>({
      docv: "PORT",
      parse: (text) => {
        const n = Number(text);
        return Number.isInteger(n) && n > 0 && n < 65536
          ? { ok: true, value: n }
          : { ok: false, error: `invalid value '${text}', expected a port number` };
      },
      print: (n) => `port ${n}`,
    });
    expect(parsed(port, "80")).toBe(80);
    expect(problem(port, "70000")).toBe("invalid value '70000', expected a port number");
    expect(port.print(80)).toBe("port 80");
    expect(port.docv).toBe("PORT");
  });

  it("prints with String and shows VAL by default", () => {
    const conv = makeConv<number>({ parse: (text) => ({ ok: true, value: text.length }) });
    expect(conv.print(5)).toBe("5");
    expect(conv.docv).toBe("");
  });
});
