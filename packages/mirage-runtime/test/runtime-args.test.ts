import {
  RuntimeArgs,
  argumentError,
  calledTooEarly,
  calledTooLate,
  delayArg,
  flag,
  helpVersion,
  info,
  intConv,
  internalError,
  makeConv,
  opt,
  optAll,
  optional,
  required,
  stringConv,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { runArgv } from "./capture.js";

const hintAbout = (option: string): string =>
  `Hint: To pass a space, it needs to be escaped twice: ${option}='Hello,\\ world!'\n` +
  `      Another possibility is: ${option}='"Hello, world!"'\n`;

function registry() {
  const args = new RuntimeArgs();
  const hello = args.registerArg(opt(stringConv, "Hello World!", info(["hello"])));
  const count = args.registerArg(opt(intConv, 1, info(["c", "count"])));
  const peers = args.registerArg(optAll(stringConv, [], info(["peer"])));
  const verbose = args.registerArg(flag(info(["v", "verbose"])));
  const label = args.registerArg(optional(stringConv, info(["label"])));
  return { args, hello, count, peers, verbose, label };
}

describe("withArgv: values", () => {
  it("gives the defaults when nothing is passed", () => {
    const r = registry();
    expect(runArgv(r.args, [])).toEqual({ exit: undefined, stdout: "", stderr: "" });
    expect(r.hello()).toBe("Hello World!");
    expect(r.count()).toBe(1);
    expect(r.peers()).toEqual([]);
    expect(r.verbose()).toBe(false);
    expect(r.label()).toBeUndefined();
    expect(r.args.parsed).toBe(true);
  });

  it.each([
    [["--count=5"], 5],
    [["--count", "5"], 5],
    [["-c", "6"], 6],
    [["-c7"], 7],
    [["--count=-3"], -3],
  ])("reads %j", (argv, value) => {
    const r = registry();
    expect(runArgv(r.args, argv).exit).toBeUndefined();
    expect(r.count()).toBe(value);
  });

  it("keeps every value of a repeated optAll, in order", () => {
    const r = registry();
    runArgv(r.args, ["--peer=a", "--peer", "b", "--peer=c"]);
    expect(r.peers()).toEqual(["a", "b", "c"]);
  });

  it("sets flags by short or long name and takes values with spaces and '=' intact", () => {
    const r = registry();
    runArgv(r.args, ["-v", "--hello=Hello, world! a=b", "--label", "-"]);
    expect(r.verbose()).toBe(true);
    expect(r.hello()).toBe("Hello, world! a=b");
    expect(r.label()).toBe("-");
  });

  it("reads a required option", () => {
    const args = new RuntimeArgs();
    const need = args.registerArg(required(stringConv, info(["required"])));
    expect(runArgv(args, ["--required=bar"]).exit).toBeUndefined();
    expect(need()).toBe("bar");
  });

  it("parses once: a second call changes nothing and prints nothing", () => {
    const r = registry();
    runArgv(r.args, ["--count=2"]);
    expect(runArgv(r.args, ["--count=3"])).toEqual({ exit: undefined, stdout: "", stderr: "" });
    expect(runArgv(r.args, ["--help"]).exit).toBeUndefined();
    expect(r.count()).toBe(2);
  });
});

describe("withArgv: errors exit 64 with the problem, the usage and the hint", () => {
  it("reports a bad --delay value, without a hint when only the runtime's options take a value", () => {
    const args = new RuntimeArgs();
    const delay = args.registerArg(delayArg);
    const run = runArgv(args, ["--delay=x"]);
    expect(run.exit).toBe(argumentError);
    expect(run.exit).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "noop: option '--delay': invalid value 'x', expected an integer\n" +
        "Usage: noop [OPTION]…\n" +
        "Try 'noop --help' for more information.\n",
    );
    expect(() => delay()).toThrow(calledTooEarly);
  });

  it("reports every unknown option, later lines aligned under the first as Cmdliner's box prints them", () => {
    const run = runArgv(new RuntimeArgs(), ["--zz", "--hepl"]);
    expect(run.exit).toBe(64);
    expect(run.stderr).toBe(
      "noop: unknown option '--zz'\n" +
        "      unknown option '--hepl'. Did you mean '--help'?\n" +
        "Usage: noop [OPTION]…\n" +
        "Try 'noop --help' for more information.\n",
    );
  });

  it.each([
    [["--dela=1"], "unknown option '--dela'. Did you mean '--delay'?"],
    [["--zzzzzz"], "unknown option '--zzzzzz'"],
    [["--cuont", "2"], "unknown option '--cuont'. Did you mean '--count'?"],
    [["--count-2"], "unknown option '--count-2'. Did you mean '--count'?"],
    [["-delay=2"], "unknown option '-d'. Did you mean '--delay'?"],
    [["-z"], "unknown option '-z'"],
    [["--count"], "option '--count' needs an argument"],
    [["--count", "--verbose"], "option '--count' needs an argument"],
    [["--count=1", "-c", "2"], "options '--count' and '-c' cannot be present at the same time"],
    [["--count=1", "--count=2"], "option '--count' cannot be repeated"],
    [["--verbose=yes"], "option '--verbose' is a flag, it cannot take the argument 'yes'"],
    // Cmdliner's short flags share their dash: -vx is -v -x, -vc is -v -c.
    [["-vx"], "unknown option '-x'"],
    [["-vc"], "option '-c' needs an argument"],
    [["stray", "words"], "too many arguments, don't know what to do with 'stray', 'words'"],
    [["--", "--count=1"], "too many arguments, don't know what to do with '--count=1'"],
    [["--count=1.5"], "option '--count': invalid value '1.5', expected an integer"],
    [["--delay=-1"], "option '--delay': invalid value '-1', expected a non-negative integer"],
    [["--count=1 2"], "option '--count': invalid value '1 2', expected an integer"],
    [["--count='1'"], "option '--count': invalid value ''1'', expected an integer"],
  ])("%j", (argv, problem) => {
    const args = new RuntimeArgs();
    args.registerArg(delayArg);
    args.registerArg(opt(intConv, 1, info(["c", "count"])));
    args.registerArg(flag(info(["v", "verbose"])));
    const run = runArgv(args, argv);
    expect(run.exit).toBe(64);
    expect(run.stderr.split("\n")[0]).toBe(`noop: ${problem}`);
    // The quoting hint only where quoting can be the cause: a stray word, a space or a quote.
    const applies = problem.startsWith("too many arguments") || argv.some((word) => /[\s'"]/u.test(word));
    if (applies) expect(run.stderr).toContain(hintAbout("--count"));
    else expect(run.stderr).not.toContain("Hint:");
    expect(args.parsed).toBe(false);
  });

  it("names in the hint the first option of the unikernel that takes a value, whatever the problem", () => {
    const r = registry();
    expect(runArgv(r.args, ["--verbose=yes no"]).stderr.split("for more information.\n")[1]).toBe(hintAbout("--hello"));
    expect(runArgv(r.args, ["--verbose=yes"]).stderr).not.toContain("Hint:");
    const flagsOnly = new RuntimeArgs();
    flagsOnly.registerArg(delayArg);
    flagsOnly.registerArg(flag(info(["v", "verbose"])));
    expect(runArgv(flagsOnly, ["--nope"]).stderr).not.toContain("Hint:");
  });

  it("names in the hint the option whose value a space cut in two", () => {
    const r = registry();
    expect(runArgv(r.args, ["-v", "--label=Hello,", "world!"]).stderr).toBe(
      "noop: too many arguments, don't know what to do with 'world!'\n" +
        "Usage: noop [OPTION]…\n" +
        "Try 'noop --help' for more information.\n" +
        hintAbout("--label"),
    );
    expect(runArgv(registry().args, ["-c1", "2"]).stderr).toContain(hintAbout("--count"));
    expect(runArgv(registry().args, ["-v", "2"]).stderr).toContain(hintAbout("--hello"));
  });

  it("speaks of the page's query string and ?help when the arguments come from a page", () => {
    const r = registry();
    const run = runArgv(r.args, ["--count=x"], { argumentSyntax: "query-string" }, "hello");
    expect(run.exit).toBe(64);
    expect(run.stderr).toBe(
      "hello: option '--count': invalid value 'x', expected an integer\n" +
        "Usage: the page's query string, ?OPTION=VALUE&OPTION…\n" +
        "Try '?help' for more information.\n",
    );
    expect(run.stderr).not.toContain("--help");
    // Where quoting can be the cause (a stray word), the hint speaks of %20.
    const stray = runArgv(r.args, ["--hello=Hello,", "world!"], { argumentSyntax: "query-string" }, "hello");
    expect(stray.exit).toBe(64);
    expect(stray.stderr).toContain("?OPTION=VALUE&OPTION… (?hello=VALUE is --hello=VALUE)\n");
    expect(stray.stderr).toContain("Hint: To pass a space, write it %20: ?hello=Hello,%20world!\n");
    expect(stray.stderr).not.toContain("--help");
  });

  it("reports a missing required option", () => {
    const args = new RuntimeArgs();
    args.registerArg(required(stringConv, info(["r", "required"])));
    const run = runArgv(args, []);
    expect(run.exit).toBe(64);
    expect(run.stderr).toMatch(/^noop: required option --required is missing\n/);
  });

  it("reports the first failing argument in registration order", () => {
    const args = new RuntimeArgs();
    args.registerArg(opt(intConv, 0, info(["b"])));
    args.registerArg(opt(intConv, 0, info(["a"])));
    expect(runArgv(args, ["-ax", "-by"]).stderr).toMatch(/^noop: option '-b': invalid value 'y'/);
  });

  it("requests 125 and reports the exception when a converter throws", () => {
    const args = new RuntimeArgs();
    const buggy = makeConv<number>({
      parse: () => {
        throw new Error("converter bug");
      },
    });
    args.registerArg(opt(buggy, 0, info(["x"])));
    const run = runArgv(args, ["-x", "1"]);
    expect(run.exit).toBe(internalError);
    expect(run.stderr).toMatch(/^noop: internal error, uncaught exception:\nError: converter bug/);
  });
});

describe("withArgv: --help and --version exit 63", () => {
  it.each([["--help"], ["--help=plain"], ["--help", "groff"], ["--help=auto"]])("%j", (...argv) => {
    const args = new RuntimeArgs();
    args.registerArg(delayArg);
    const run = runArgv(args, argv);
    expect(run.exit).toBe(helpVersion);
    expect(run.exit).toBe(63);
    expect(run.stdout).toMatch(/^NAME\n {7}noop\n/);
    expect(run.stderr).toBe("");
  });

  it("win over a bad value elsewhere on the line", () => {
    const args = new RuntimeArgs();
    args.registerArg(delayArg);
    expect(runArgv(args, ["--delay=x", "--help"]).exit).toBe(63);
  });

  it("win over an unknown option anywhere on the line", () => {
    const args = new RuntimeArgs();
    args.registerArg(delayArg);
    for (const argv of [
      ["--bogus", "--help"],
      ["--help", "--bogus"],
      ["-z", "--dela", "--help=plain"],
    ]) {
      const run = runArgv(args, argv);
      expect(run.exit).toBe(63);
      expect(run.stdout).toMatch(/^NAME\n {7}noop\n/);
      expect(run.stderr).toBe("");
    }
    expect(runArgv(args, ["--bogus", "--version"], { version: "1.2.3" }).stdout).toBe("1.2.3\n");
  });

  it("refuse an unknown help format with 64", () => {
    const run = runArgv(new RuntimeArgs(), ["--help=html"]);
    expect(run.exit).toBe(64);
    expect(run.stderr.split("\n")[0]).toBe(
      "noop: option '--help': invalid value 'html', expected one of 'auto', 'pager', 'groff' or 'plain'",
    );
  });

  it("print the version", () => {
    expect(runArgv(new RuntimeArgs(), ["--version"], { version: "1.2.3" })).toEqual({
      exit: 63,
      stdout: "1.2.3\n",
      stderr: "",
    });
    expect(runArgv(new RuntimeArgs(), ["--version"]).stdout).toBe("unknown\n");
  });

  it("leave the arguments unparsed", () => {
    const args = new RuntimeArgs();
    const delay = args.registerArg(delayArg);
    runArgv(args, ["--help"]);
    expect(args.parsed).toBe(false);
    expect(() => delay()).toThrow(calledTooEarly);
  });
});

describe("too early and too late", () => {
  it("a getter read before parsing throws upstream's message", () => {
    const args = new RuntimeArgs();
    const delay = args.registerArg(delayArg);
    expect(() => delay()).toThrow(
      "Called too early. Please delay this call to after the start function of the unikernel.",
    );
    runArgv(args, ["--delay=2"]);
    expect(delay()).toBe(2);
  });

  it("registering after parsing throws upstream's message, spelling included", () => {
    const args = new RuntimeArgs();
    runArgv(args, []);
    expect(() => args.registerArg(delayArg)).toThrow(
      "The function register_arg was called to late. " +
        "Please call register_arg before the start function is executed (e.g. in a top-level binding).",
    );
    expect(calledTooLate).toContain("called to late");
  });
});

describe("registration", () => {
  it("shares one value when the same argument is registered twice", () => {
    const args = new RuntimeArgs();
    const first = args.registerArg(delayArg);
    const second = args.registerArg(delayArg);
    expect(args.registered()).toEqual([delayArg]);
    runArgv(args, ["--delay=4"]);
    expect([first(), second()]).toEqual([4, 4]);
  });

  it("refuses two different arguments with a common name, and the standard names", () => {
    const args = new RuntimeArgs();
    args.registerArg(opt(intConv, 0, info(["d", "delay"])));
    expect(() => args.registerArg(delayArg)).toThrow("Duplicate run-time argument name: --delay");
    expect(() => args.registerArg(flag(info(["d"])))).toThrow("Duplicate run-time argument name: -d");
    expect(() => args.registerArg(flag(info(["help"])))).toThrow("--help");
    expect(() => args.registerArg(flag(info(["version"])))).toThrow("--version");
  });

  it("refuses malformed names", () => {
    expect(() => info([])).toThrow(TypeError);
    expect(() => info(["--delay"])).toThrow(TypeError);
    expect(() => info(["has space"])).toThrow(TypeError);
  });
});

describe("environment variables", () => {
  function withEnv() {
    const args = new RuntimeArgs();
    const port = args.registerArg(opt(intConv, 80, info(["port"], { env: "PORT" })));
    const debug = args.registerArg(flag(info(["debug"], { env: "DEBUG" })));
    const tags = args.registerArg(optAll(stringConv, ["none"], info(["tag"], { env: "TAG" })));
    return { args, port, debug, tags };
  }

  it("fill in what the command line leaves out", () => {
    const r = withEnv();
    const env: Record<string, string> = { PORT: "8080", DEBUG: "yes", TAG: "env" };
    expect(runArgv(r.args, [], { env: (variable) => env[variable] }).exit).toBeUndefined();
    expect([r.port(), r.debug(), r.tags()]).toEqual([8080, true, ["env"]]);
  });

  it("lose to the command line", () => {
    const r = withEnv();
    const run = runArgv(r.args, ["--port=1", "--tag=a"], {
      env: (variable) => (variable === "DEBUG" ? undefined : "9"),
    });
    expect(run.exit).toBeUndefined();
    expect([r.port(), r.tags()]).toEqual([1, ["a"]]);
  });

  it("are not read unless an env function is given", () => {
    const r = withEnv();
    runArgv(r.args, []);
    expect([r.port(), r.debug(), r.tags()]).toEqual([80, false, ["none"]]);
  });

  it("report a bad value with the variable's name", () => {
    const run = runArgv(withEnv().args, [], { env: (variable) => (variable === "PORT" ? "http" : undefined) });
    expect(run.exit).toBe(64);
    expect(run.stderr.split("\n")[0]).toBe(
      "noop: environment variable 'PORT': invalid value 'http', expected an integer",
    );
  });

  it("read flags leniently but not anything", () => {
    const run = runArgv(withEnv().args, [], { env: (variable) => (variable === "DEBUG" ? "maybe" : undefined) });
    expect(run.stderr.split("\n")[0]).toBe(
      "noop: environment variable 'DEBUG': invalid value 'maybe', expected one of 'true', 'yes', 'false' or 'no'",
    );
  });
});
