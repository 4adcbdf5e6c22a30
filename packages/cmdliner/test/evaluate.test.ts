import { evaluateCommandLine, flag, info, intConv, opt } from "@mirage-ts/cmdliner";
import { describe, expect, it } from "vitest";

const delay = opt(intConv, 0, info(["d", "delay"]));
const verbose = flag(info(["v"]));
const evaluate = (...argv: string[]) => evaluateCommandLine([delay, verbose], argv, () => undefined);

describe("evaluateCommandLine: --help and --version first, as Cmdliner", () => {
  it.each([
    [["--bogus", "--help"]],
    [["--help", "--bogus"]],
    [["--dela", "1", "--help=plain"]],
    [["-vx", "--help"]],
    [["--delay=x", "stray", "--help"]],
  ])("%j prints help", (argv) => {
    expect(evaluate(...argv)).toEqual({ kind: "help" });
  });

  it("prints the version over an unknown option", () => {
    expect(evaluate("--bogus", "--version")).toEqual({ kind: "version" });
  });

  it("reports a bad help format over an unknown option", () => {
    expect(evaluate("--bogus", "--help=html")).toMatchObject({
      kind: "error",
      message: expect.stringContaining("option '--help': invalid value 'html'"),
    });
  });

  it("reports every unknown option, one per line, before stray words and bad values", () => {
    expect(evaluate("--delay=x", "--bogus", "stray", "--nope")).toEqual({
      kind: "error",
      message: "unknown option '--bogus'\nunknown option '--nope'",
    });
    expect(evaluate("--delay=x", "stray")).toMatchObject({ kind: "error", stray: "stray" });
  });

  it("evaluates grouped short options", () => {
    expect(evaluate("-vd5")).toMatchObject({ kind: "values", values: [5, true] });
    expect(evaluate("-vd", "5")).toMatchObject({ kind: "values", values: [5, true] });
  });
});
