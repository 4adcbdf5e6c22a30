import { type Result, andThen, err, getOrThrow, mapError, mapResult, ok } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";

describe("Result helpers", () => {
  it("ok() without a value is one shared frozen instance", () => {
    expect(ok()).toBe(ok());
    expect(Object.isFrozen(ok())).toBe(true);
    expect(ok()).toEqual({ ok: true, value: undefined });
  });

  it("ok(value) and err(error) build the two cases", () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(err("boom")).toEqual({ ok: false, error: "boom" });
  });

  it("mapResult maps values and passes errors through", () => {
    const good: Result<number, string> = ok(2);
    const bad = err("e") as Result<number, string>;
    expect(mapResult(good, (n) => n * 10)).toEqual(ok(20));
    expect(mapResult(bad, (n) => n * 10)).toBe(bad);
  });

  it("mapError maps errors and passes values through", () => {
    const good = ok(2) as Result<number, string>;
    expect(mapError(good, (e) => e.length)).toBe(good);
    expect(mapError(err("four") as Result<number, string>, (e) => e.length)).toEqual(err(4));
  });

  it("andThen chains fallible steps and stops at the first error", () => {
    const half = (n: number): Result<number, string> => (n % 2 === 0 ? ok(n / 2) : err(`odd: ${n}`));
    expect(andThen(ok(8), half)).toEqual(ok(4));
    expect(andThen(andThen(ok(6), half), half)).toEqual(err("odd: 3"));
    expect(andThen(err("early") as Result<number, string>, half)).toEqual(err("early"));
  });

  it("getOrThrow returns the value or throws the printed error", () => {
    expect(getOrThrow(ok("v"), String)).toBe("v");
    expect(() => getOrThrow(err({ kind: "timeout" }), (e) => `failed: ${e.kind}`)).toThrow("failed: timeout");
  });
});
