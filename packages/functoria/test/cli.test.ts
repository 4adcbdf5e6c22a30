// Port of upstream's test_cli.ml, plus the Cmdliner behaviours the tool relies on.

import {
  CliError,
  type CommandLine,
  conv,
  flag,
  key,
  opt,
  parseCommandLine,
  parseOptions,
  peekCommandLine,
} from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";

const xyz = key("xyz", flag({ names: ["x", "xyz"] }));
const cde = key("cde", flag({ names: ["c", "cde"] }));
const settings = {
  tool: { name: "name", version: "0.2" },
  keys: [xyz, cde],
  queryKinds: ["packages", "name", "files"],
};
const parse = (...argv: string[]): CommandLine => parseCommandLine(argv, settings);

const defaults = { configFile: "config.ts", contextFile: undefined, output: undefined, dryRun: false, color: "auto" };

describe("sub-commands (test_cli)", () => {
  it("configure --xyz --verbose", () => {
    const line = parse("configure", "--xyz", "--verbose");
    expect(line).toMatchObject({
      kind: "run",
      command: { command: "configure", args: { ...defaults, verbosity: "info" } },
    });
    if (line.kind !== "run") return;
    expect(line.command.context.get(xyz)).toBe(true);
    expect(line.command.context.get(cde)).toBe(false);
  });

  it("describe --context=config.json --cde --color=always --dot-command=dot --eval", () => {
    const line = parse("describe", "--context=config.json", "--cde", "--color=always", "--dot-command=dot", "--eval");
    expect(line).toMatchObject({
      kind: "run",
      command: {
        command: "describe",
        args: { ...defaults, contextFile: "config.json", color: "always", verbosity: "warning" },
        dotCommand: "dot",
        dot: false,
        eval: true,
      },
    });
    if (line.kind === "run") expect(line.command.context.get(cde)).toBe(true);
  });

  it("clean", () => {
    expect(parse("clean")).toMatchObject({ kind: "run", command: { command: "clean", args: defaults } });
  });

  it("help --help plain and the default command print help", () => {
    expect(parse("help", "--help", "plain")).toMatchObject({
      kind: "print",
      text: expect.stringContaining("name-help - Display help about name commands."),
    });
    const main = parse();
    expect(main).toMatchObject({
      kind: "print",
      text: expect.stringContaining("NAME\n       name - The name application builder"),
    });
    if (main.kind === "print")
      expect(main.text).toContain(
        "COMMANDS\n       clean\n           Clean the files produced by name for a given application.",
      );
    expect(parse("-v")).toMatchObject({ kind: "print" });
  });

  it("peeks --eval/--no-eval: the last one wins, anywhere", () => {
    const peek = (...argv: string[]) => peekCommandLine(argv, settings).eval;
    expect(peek("test")).toBeUndefined();
    expect(peek("describe", "--eval")).toBe(true);
    expect(peek("test", "blah", "--eval", "blah")).toBe(true);
    expect(peek("describe", "--no-eval")).toBe(false);
    expect(peek("--no-eval", "test", "--eval")).toBe(true);
    expect(peek("--eval", "test", "--no-eval")).toBe(false);
    expect(parse("describe", "--no-eval", "--eval")).toMatchObject({ command: { eval: true } });
  });

  it("peeks global options without knowing every option", () => {
    const peeked = peekCommandLine(
      ["configure", "--unknown", "-f", "app/config.ts", "-t", "xen", "-o", "out", "--dry-run"],
      settings,
    );
    expect(peeked.command).toBe("configure");
    expect(peeked.args).toMatchObject({ configFile: "app/config.ts", output: "out", dryRun: true });
  });

  it("accepts unique prefixes of commands and rejects ambiguous ones", () => {
    expect(parse("conf")).toMatchObject({ kind: "run", command: { command: "configure" } });
    expect(parse("d")).toMatchObject({ kind: "run", command: { command: "describe" } });
    expect(parse("c")).toMatchObject({
      kind: "error",
      message: "command c ambiguous and could be either clean or configure",
    });
    expect(parse("build")).toMatchObject({
      kind: "error",
      message: "unknown command build, must be one of clean, configure, describe, help or query",
    });
  });

  it("rejects extra arguments with upstream's message", () => {
    const line = parse("configure", "a", "b", "c");
    expect(line).toMatchObject({ kind: "error", message: "too many arguments, dont know what to do with a, b, c" });
    if (line.kind === "error")
      expect(line.usage).toBe(
        "Usage: name configure [OPTION]…\nTry 'name configure --help' or 'name --help' for more information.",
      );
  });

  it("parses query kinds with prefixes", () => {
    expect(parse("query")).toMatchObject({ command: { command: "query", kind: "packages" } });
    expect(parse("query", "fi")).toMatchObject({ command: { kind: "files" } });
    expect(parse("query", "opam")).toMatchObject({
      kind: "error",
      message: "INFO argument: invalid value opam, expected one of packages, name or files",
    });
  });

  it("answers help topics and help <command> like <command> --help", () => {
    expect(parse("help", "topics")).toEqual({ kind: "print", text: "clean\nconfigure\ndescribe\nhelp\nquery\n" });
    expect(parse("help", "configure")).toEqual(parse("configure", "--help=plain"));
    expect(parse("help", "q")).toEqual(parse("query", "--help"));
    expect(parse("help", "nope")).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/^TOPIC argument: invalid value nope/),
    });
  });

  it("prints the version", () => {
    expect(parse("--version")).toEqual({ kind: "print", text: "0.2\n" });
    expect(parse("query", "--version")).toEqual({ kind: "print", text: "0.2\n" });
  });

  it("documents keys, options and exit codes in help pages", () => {
    const line = parse("configure", "--help");
    if (line.kind !== "print") throw new Error("no help");
    expect(line.text).toContain("SYNOPSIS\n       name configure [OPTION]…\n");
    expect(line.text).toContain(
      "       -f FILE, --file=FILE, --config-file=FILE (absent=config.ts)\n           The configuration file to use.\n",
    );
    expect(line.text).toContain("APPLICATION OPTIONS\n       -c, --cde\n");
    expect(line.text).toContain("       124\n           on command line parsing errors.");
    expect(line.text.indexOf("CONFIGURE OPTIONS")).toBeLessThan(line.text.indexOf("COMMON OPTIONS"));
  });
});

describe("did you mean: Cmdliner's hints for a typo", () => {
  const target = key(
    "target",
    opt(
      conv.enumeration([
        ["unix", "unix"],
        ["xen", "xen"],
        ["unikraft-qemu", "unikraft-qemu"],
      ]),
      "unix",
      { names: ["t", "target"] },
    ),
  );
  const withTarget = { ...settings, keys: [xyz, cde, target], commands: [{ name: "build", doc: "Build." }] };
  const message = (...argv: string[]): string => {
    const line = parseCommandLine(argv, withTarget);
    return line.kind === "error" ? line.message : `no error: ${line.kind}`;
  };

  it("suggests the closest command, else lists them all", () => {
    expect(message("biuld")).toBe("unknown command biuld, did you mean build?");
    expect(message("qeury")).toBe("unknown command qeury, did you mean query?");
    expect(message("zzzzz")).toBe(
      "unknown command zzzzz, must be one of build, clean, configure, describe, help or query",
    );
  });

  it("suggests options and keys, with two dashes for a long name written with one", () => {
    expect(message("configure", "--taget=xen")).toBe("unknown option --taget, did you mean --target?");
    expect(message("configure", "--xzy")).toBe("unknown option --xzy, did you mean --xyz?");
    expect(message("build", "--dry-rum")).toBe("unknown option --dry-rum, did you mean --dry-run?");
    expect(message("configure", "-zcde")).toBe("unknown option -z, did you mean --cde?");
    expect(message("configure", "--target-xen")).toBe("unknown option --target-xen, did you mean --target?");
    expect(message("configure", "-z")).toBe("unknown option -z");
    expect(message("configure", "-z", "--xzy")).toBe("unknown option -z\nunknown option --xzy, did you mean --xyz?");
  });

  it("suggests enumerated values, query kinds and help topics", () => {
    expect(message("configure", "-t", "unxi")).toBe("option -t: invalid value unxi, did you mean unix?");
    expect(message("configure", "--target=zen")).toBe("option --target: invalid value zen, did you mean xen?");
    expect(message("configure", "-t", "hvt")).toBe(
      "option -t: invalid value hvt, expected one of unix, xen or unikraft-qemu",
    );
    expect(message("configure", "-t", "uni")).toBe(
      "option -t: invalid value uni, ambiguous and could be either unix or unikraft-qemu",
    );
    expect(message("query", "fils")).toBe("INFO argument: invalid value fils, did you mean files?");
    expect(message("help", "describ")).toBe("no error: print");
    expect(message("help", "descirbe")).toBe("TOPIC argument: invalid value descirbe, did you mean describe?");
  });
});

describe("option parser", () => {
  const specs = [
    { id: "o", names: ["o", "output"], value: "required", section: "S" },
    { id: "v", names: ["v", "verbose"], value: "none", repeatable: true, section: "S" },
    { id: "x", names: ["x"], value: "none", section: "S" },
    { id: "h", names: ["help"], value: "optional", optionalValues: ["plain"], section: "S" },
  ] as const;

  it("reads values attached, separate or after =", () => {
    for (const argv of [["-ofile"], ["-o", "file"], ["--output=file"], ["--output", "file"], ["--out", "file"]]) {
      expect(parseOptions(argv, specs).occurrences).toEqual([
        { id: "o", name: argv[0]?.startsWith("--") ? argv[0].split("=")[0] : "-o", value: "file" },
      ]);
    }
    expect(parseOptions(["--", "-x"], specs).positionals).toEqual(["-x"]);
    expect(parseOptions(["-v", "-v"], specs).occurrences).toHaveLength(2);
    expect(parseOptions(["--help", "plain"], specs).occurrences).toEqual([{ id: "h", name: "--help", value: "plain" }]);
    // Cmdliner gives an optional value the next word whatever it is (the help is shown all the same).
    expect(parseOptions(["--help", "topic"], specs)).toEqual({
      occurrences: [{ id: "h", name: "--help", value: "topic" }],
      positionals: [],
    });
    expect(parseOptions(["--help", "-x"], specs).occurrences).toEqual([
      { id: "h", name: "--help", value: undefined },
      { id: "x", name: "-x", value: undefined },
    ]);
  });

  it("reports errors in Cmdliner's words", () => {
    const error = (...argv: string[]) => {
      try {
        parseOptions(argv, specs);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(error("-o")).toBe("option -o needs an argument");
    expect(error("-o", "-x")).toBe("option -o needs an argument");
    // Cmdliner's short flags share their dash: -xy is -x -y, and -xo reads -o's value from the next word.
    expect(error("-xy")).toBe("unknown option -y");
    expect(error("-xo")).toBe("option -o needs an argument");
    expect(parseOptions(["-xo", "a"], specs).occurrences).toEqual([
      { id: "o", name: "-o", value: "a" },
      { id: "x", name: "-x", value: undefined },
    ]);
    expect(error("-x", "-x")).toBe("option -x cannot be repeated");
    expect(error("-o", "a", "--output=b")).toBe("options -o and --output cannot be present at the same time");
    expect(error("--nope")).toBe("unknown option --nope");
    expect(error("-q")).toBe("unknown option -q");
    expect(parseOptions(["--nope", "-o"], specs, { lenient: true })).toEqual({ occurrences: [], positionals: [] });
  });

  it("rejects ambiguous long prefixes", () => {
    const two = [
      { id: "a", names: ["context-file"], value: "required", section: "S" },
      { id: "b", names: ["config-file"], value: "required", section: "S" },
    ] as const;
    // Cmdliner sorts the candidates.
    expect(() => parseOptions(["--con=x"], two)).toThrow(
      "option --con ambiguous and could be either --config-file or --context-file",
    );
  });

  it("leaves out, in a lenient read, what it does not know and the options that refuse their occurrences", () => {
    expect(parseOptions(["--nope", "-x", "-x", "-o", "a", "-v", "--out=b"], specs, { lenient: true })).toEqual({
      occurrences: [{ id: "v", name: "-v", value: undefined }],
      positionals: [],
    });
  });
});

describe("the order of command-line errors is Cmdliner's", () => {
  const message = (...argv: string[]): string => {
    const line = parse(...argv);
    return line.kind === "error" ? line.message : `no error: ${line.kind}`;
  };

  it("reports an unknown option before an option's own complaint, wherever it stands", () => {
    expect(message("configure", "-x", "-x", "--nope")).toBe("unknown option --nope");
    expect(message("configure", "--color=purple", "--nope")).toBe("unknown option --nope");
  });

  it("lets --help and --version win over stray words and bad values", () => {
    expect(message("configure", "-x", "-x", "--help")).toBe("no error: print");
    expect(message("configure", "--color=purple", "stray", "--version")).toBe("no error: print");
  });

  it("lets --help and --version win over unknown options anywhere on the line, as Cmdliner", () => {
    expect(parse("configure", "--nope", "--help")).toEqual(parse("configure", "--help"));
    expect(parse("configure", "--help", "--nope", "-zq")).toEqual(parse("configure", "--help"));
    expect(message("configure", "--taget=xen", "--version")).toBe("no error: print");
  });

  it("reports stray words before an option's own complaint", () => {
    expect(message("configure", "stray", "-o")).toBe("too many arguments, dont know what to do with stray");
  });

  it("then the options in their order: common options first, then the keys", () => {
    expect(message("configure", "-x", "-x", "--color=purple")).toBe(
      "option --color: invalid value purple, expected one of auto, always or never",
    );
    expect(message("configure", "--verbosity", "loud", "-o")).toBe(
      "option --verbosity: invalid value loud, expected one of quiet, error, warning, info or debug",
    );
  });
});
