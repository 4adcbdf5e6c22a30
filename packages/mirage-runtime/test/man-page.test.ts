import {
  createRuntime,
  delayArg,
  flag,
  info,
  intConv,
  logsArg,
  opt,
  optAll,
  required,
  sections,
  stringConv,
} from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { runArgv } from "./capture.js";

function helpPage(register: (registerArg: ReturnType<typeof createRuntime>["args"]) => void): string {
  const runtime = createRuntime();
  register(runtime.args);
  const run = runArgv(runtime.args, ["--help=plain"]);
  expect(run.exit).toBe(63);
  return run.stdout;
}

describe("--help", () => {
  it("prints the man page: arguments by section, then the exit statuses", () => {
    const page = helpPage((args) => {
      args.registerArg(
        opt(stringConv, "-", info(["arg"], { docs: "APPLICATION OPTIONS", doc: "A runtime argument." })),
      );
      args.registerArg(opt(stringConv, "Hello World!", info(["hello"], { doc: "How to say hello." })));
      args.registerArg(flag(info(["flag"], { doc: "A flag." })));
      args.registerArg(required(stringConv, info(["required"], { doc: "A required key." })));
      args.registerArg(optAll(stringConv, [], info(["opt-all"], { doc: "All the optional keys." })));
      args.registerArg(delayArg);
    });
    expect(page).toBe(`NAME
       noop

SYNOPSIS
       noop [OPTION]…

OPTIONS
       --flag
           A flag.

       --hello=VAL (absent=Hello World!)
           How to say hello.

       --opt-all=VAL
           All the optional keys.

       --required=VAL (required)
           A required key.

APPLICATION OPTIONS
       --arg=VAL (absent=-)
           A runtime argument.

COMMON OPTIONS
       --delay=SECONDS (absent=0)
           Delay n seconds before starting up.

       --help[=FMT] (default=auto)
           Show this help in format FMT. The value FMT must be one of auto,
           pager, groff or plain; every format prints this plain text.

       --name=NAME (defaults to the configuration-time name)
           Runtime name of the unikernel, returned by name() and used for
           example by syslog.

       --version
           Show version information.

EXIT STATUS
       noop exits with:

       0   on success.

       63  on showing this help.

       64  on any argument parsing error.

       125 on unexpected internal errors (bugs) while processing the boot
           parameters.

       255 on uncaught exception.

`);
  });

  it("lists the exit statuses the platform gives instead of the runtime's own", () => {
    const statuses = [
      { code: 0, doc: "on success." },
      { code: 143, doc: "on SIGTERM." },
    ];
    const run = runArgv(createRuntime().args, ["--help"], { exitStatuses: statuses });
    expect(run.stdout.slice(run.stdout.indexOf("EXIT STATUS"))).toBe(
      "EXIT STATUS\n       noop exits with:\n\n       0   on success.\n\n       143 on SIGTERM.\n\n",
    );
  });

  it("orders sections as Mirage does, whatever the registration order", () => {
    const page = helpPage((args) => {
      const section = (docs: string, name: string) =>
        args.registerArg(flag(info([name], { docs, doc: `In ${docs}.` })));
      section(sections.ocamlRuntime, "ocaml");
      section(sections.disk, "disk");
      section("MY OPTIONS", "mine");
      args.registerArg(logsArg);
      section(sections.network, "net");
      section(sections.dns, "dns");
      section(sections.happyEyeballs, "he");
      section(sections.tls, "tls");
      section(sections.ssh, "ssh");
      section(sections.http, "http");
      section(sections.options, "plain");
      section(sections.arguments, "argument");
    });
    const headings = page.split("\n").filter((line) => /^[A-Z]/.test(line));
    expect(headings).toEqual([
      "NAME",
      "SYNOPSIS",
      "ARGUMENTS",
      "OPTIONS",
      "HTTP OPTIONS",
      "SSH OPTIONS",
      "TLS OPTIONS",
      "HAPPY EYEBALLS OPTIONS",
      "DNS OPTIONS",
      "NETWORK OPTIONS",
      "LOG AND MONITORING OPTIONS",
      "DISK OPTIONS",
      "OCAML RUNTIME OPTIONS",
      "MY OPTIONS",
      "COMMON OPTIONS",
      "EXIT STATUS",
    ]);
  });

  it("shows short names, metavariables, environment variables and wraps long text", () => {
    const page = helpPage((args) => {
      args.registerArg(logsArg);
      args.registerArg(opt(intConv, 80, info(["p", "port"], { env: "PORT", docv: "PORT", doc: "The port." })));
    });
    expect(page).toContain("       -p PORT, --port=PORT (absent=80 or PORT env)\n           The port.\n");
    expect(page).toContain(
      "LOG AND MONITORING OPTIONS\n" +
        "       -l LEVEL, --logs=LEVEL\n" +
        "           Be more or less verbose. LEVEL must be of the form\n" +
        "           *:info,foo:debug, which sets the log threshold to info for every\n",
    );
    for (const line of page.split("\n")) expect(line.length).toBeLessThanOrEqual(77);
  });

  it("lists by default the exit statuses of every platform, not Solo5's 1", () => {
    const page = helpPage(() => {});
    const exitStatus = page.slice(page.indexOf("EXIT STATUS"));
    const codes = [...exitStatus.matchAll(/\n {7}(\d+) +on /g)].map((m) => m[1]);
    expect(codes).toEqual(["0", "63", "64", "125", "255"]);
  });

  it("uses the program name given to withArgv", () => {
    const runtime = createRuntime();
    const run = runArgv(runtime.args, ["--help"], {}, "hello-unikernel");
    expect(run.stdout).toMatch(/^NAME\n {7}hello-unikernel\n\nSYNOPSIS\n {7}hello-unikernel \[OPTION\]…\n/);
    expect(run.stdout).toContain("hello-unikernel exits with:");
  });
});
