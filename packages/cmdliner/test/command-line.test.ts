import {
  type Arg,
  bareDialect,
  enumConv,
  flag,
  flagAll,
  indexByName,
  info,
  opt,
  optional,
  quotedDialect,
  scanCommandLine,
  scanWholeCommandLine,
  stringConv,
} from "@mirage-ts/cmdliner";
import { describe, expect, it } from "vitest";

const output = optional(stringConv, info(["o", "output"]));
const configFile = optional(stringConv, info(["config-file"]));
const contextFile = optional(stringConv, info(["context-file"]));
const verbose = flagAll(info(["v", "verbose"]));
const help = opt(enumConv([["plain", "plain"] as const, ["groff", "groff"] as const]), "plain", info(["help"]), {
  vopt: "plain",
});
const args: Arg<unknown>[] = [output, configFile, contextFile, verbose, help];
const byName = indexByName(args);

describe("the command-line scanner", () => {
  it("reads unique prefixes of long options in a dialect with prefixes only", () => {
    const bare = scanCommandLine(["--out", "file", "--conf=c"], byName, bareDialect);
    expect(bare.ok && bare.value.occurrences.get(output)).toEqual([{ name: "--out", value: "file", position: 0 }]);
    expect(bare.ok && bare.value.occurrences.get(configFile)).toEqual([{ name: "--conf", value: "c", position: 2 }]);
    expect(scanCommandLine(["--out", "file"], byName, quotedDialect)).toEqual({
      ok: false,
      error: "unknown option '--out'",
    });
    // A short name is never a prefix.
    expect(scanCommandLine(["-c"], byName, bareDialect)).toMatchObject({ ok: false, error: "unknown option -c" });
  });

  it("reports an ambiguous prefix with the candidates sorted, as Cmdliner", () => {
    expect(scanCommandLine(["--con=x"], byName, bareDialect)).toEqual({
      ok: false,
      error: "option --con ambiguous and could be either --config-file or --context-file",
    });
  });

  it("skips unknown and ambiguous options when peeking", () => {
    const peeked = scanCommandLine(["--nope", "-v", "--con=x", "word", "-o", "f"], byName, bareDialect, {
      peek: true,
    });
    expect(peeked.ok).toBe(true);
    if (!peeked.ok) return;
    expect(peeked.value.positionals).toEqual(["word"]);
    expect(peeked.value.occurrences.get(verbose)).toEqual([{ name: "-v", value: undefined, position: 1 }]);
    expect(peeked.value.occurrences.get(output)).toEqual([{ name: "-o", value: "f", position: 4 }]);
  });

  it("numbers occurrences by the index of the word naming them", () => {
    const scanned = scanCommandLine(["a", "-v", "--output", "x", "-v"], byName);
    expect(scanned.ok && scanned.value.occurrences.get(verbose)?.map((o) => o.position)).toEqual([1, 4]);
  });

  it("gives an optional value the next word unless it is an option", () => {
    const next = scanCommandLine(["--help", "groff"], byName);
    expect(next.ok && next.value.occurrences.get(help)).toEqual([{ name: "--help", value: "groff", position: 0 }]);
    const none = scanCommandLine(["--help", "-v"], byName);
    expect(none.ok && none.value.occurrences.get(help)).toEqual([{ name: "--help", value: undefined, position: 0 }]);
  });
});

describe("short options grouped as Cmdliner groups them", () => {
  const quiet = flag(info(["q", "quiet"]));
  const port = optional(stringConv, info(["p", "port"]));
  const short = indexByName([verbose, quiet, port, output]);
  const scan = (...argv: string[]) => scanWholeCommandLine(argv, short);
  const at = (name: string, value: string | undefined, position: number) => ({ name, value, position });

  it("reads -vq as -v -q, every flag at the position of its word", () => {
    const scanned = scan("-vq", "-v");
    expect(scanned.occurrences.get(verbose)).toEqual([at("-v", undefined, 0), at("-v", undefined, 1)]);
    expect(scanned.occurrences.get(quiet)).toEqual([at("-q", undefined, 0)]);
    expect(scan("-vvv").occurrences.get(verbose)).toHaveLength(3);
    expect(scan("-vvv").errors).toEqual([]);
  });

  it("gives a short option its glued value, after flags too", () => {
    expect(scan("-p8080").occurrences.get(port)).toEqual([at("-p", "8080", 0)]);
    const glued = scan("-vp8080", "word");
    expect(glued.occurrences.get(verbose)).toEqual([at("-v", undefined, 0)]);
    expect(glued.occurrences.get(port)).toEqual([at("-p", "8080", 0)]);
    expect(glued.positionals).toEqual(["word"]);
    const next = scan("-qvp", "8080", "word");
    expect(next.occurrences.get(quiet)).toEqual([at("-q", undefined, 0)]);
    expect(next.occurrences.get(port)).toEqual([at("-p", "8080", 0)]);
    expect(next.positionals).toEqual(["word"]);
    // The letters after an option that takes a value are its value, flags' letters included.
    expect(scan("-pvq").occurrences.get(port)).toEqual([at("-p", "vq", 0)]);
    // A flag's dash goes to what follows it, a lone dash too: `-v-` is `-v --`, as in Cmdliner.
    expect(scan("-v-", "-q").positionals).toEqual(["-q"]);
  });

  it("names an unknown letter of a group, and leaves long flags' values to the flag's error", () => {
    expect(scanCommandLine(["-vx"], short)).toEqual({ ok: false, error: "unknown option '-x'" });
    expect(scan("--quiet=yes").occurrences.get(quiet)).toEqual([at("--quiet", "yes", 0)]);
    expect(quiet.evaluate(scan("--quiet=yes").occurrences.get(quiet) ?? [], undefined)).toMatchObject({ ok: false });
  });
});

describe("scanning past unknown options", () => {
  it("skips each unknown or ambiguous option, collecting its error, and reads the rest", () => {
    const scanned = scanWholeCommandLine(["--nope", "-v", "--con=x", "word", "-o", "f"], byName, bareDialect);
    expect(scanned.errors).toEqual([
      "unknown option --nope",
      "option --con ambiguous and could be either --config-file or --context-file",
    ]);
    expect(scanned.occurrences.get(verbose)).toEqual([{ name: "-v", value: undefined, position: 1 }]);
    expect(scanned.occurrences.get(output)).toEqual([{ name: "-o", value: "f", position: 4 }]);
    expect(scanned.positionals).toEqual(["word"]);
    // scanCommandLine reports them all, one per line, as Cmdliner does.
    expect(scanCommandLine(["--nope", "--con=x"], byName, bareDialect)).toEqual({
      ok: false,
      error: "unknown option --nope\noption --con ambiguous and could be either --config-file or --context-file",
    });
  });
});

describe("opt with a vopt, and flagAll", () => {
  const at = (name: string, value?: string) => ({ name, value });

  it("opt takes vopt when its value is left out, and says so in --help", () => {
    expect(help.syntax).toBe("optional-value");
    expect(help.note).toBe("default=plain");
    expect(help.evaluate([at("--help")], undefined)).toEqual({ ok: true, value: "plain" });
    expect(help.evaluate([at("--help", "groff")], undefined)).toEqual({ ok: true, value: "groff" });
    expect(help.evaluate([at("--help", "man")], undefined)).toEqual({
      ok: false,
      error: "option '--help': invalid value 'man', expected either 'plain' or 'groff'",
    });
    expect(opt(stringConv, "x", info(["a"])).syntax).toBe("value");
  });

  it("flagAll gives one true per occurrence, refuses values, and reads its environment variable", () => {
    const debug = flagAll(info(["d"], { env: "DEBUG" }));
    expect(debug.kind).toBe("flagAll");
    expect(debug.syntax).toBe("flag");
    expect(debug.evaluate([at("-d"), at("-d")], undefined)).toEqual({ ok: true, value: [true, true] });
    expect(debug.evaluate([], undefined)).toEqual({ ok: true, value: [] });
    expect(debug.evaluate([], "yes")).toEqual({ ok: true, value: [true] });
    expect(debug.evaluate([], "no")).toEqual({ ok: true, value: [] });
    expect(debug.evaluate([at("-d"), at("-d", "x")], undefined, bareDialect)).toEqual({
      ok: false,
      error: "option -d is a flag, it cannot take the argument x",
    });
    expect(debug.evaluate([], "maybe")).toMatchObject({ ok: false, error: expect.stringContaining("'DEBUG'") });
    expect(flag(info(["f"])).evaluate([at("-f"), at("-f")], undefined)).toEqual({
      ok: false,
      error: "option '-f' cannot be repeated",
    });
  });
});
