// The create command on a host whose terminal and output are the test's: command lines, questions,
// the files written, and the refusals (a non-empty directory, a bad command line).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CreateHost,
  type PackageManager,
  UsageError,
  packageManagerOf,
  parseCreateArgs,
  projectName,
  runCreate,
  runScript,
  templateVersions,
} from "../src/index.js";

const VERSIONS = new Map([
  ["@mirage-ts/mirage-cli", "^1.2.3"],
  ["@mirage-ts/mirage-runtime", "^1.0.0"],
  ["@mirage-ts/mirage-types", "^1.1.0"],
  ["@mirage-ts/mirage-unix", "^1.0.4"],
  ["@mirage-ts/tcpip", "^1.3.0"],
]);

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "mirage-create-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

interface Session {
  readonly host: CreateHost;
  readonly out: string[];
  readonly err: string[];
  readonly questions: string[];
}

function session(options: { answers?: string[]; packageManager?: PackageManager } = {}): Session {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const host: CreateHost = {
    cwd,
    packageManager: options.packageManager ?? "npm",
    interactive: options.answers !== undefined,
    versions: VERSIONS,
    ask: async (q) => {
      questions.push(q);
      const next = answers.shift();
      if (next === undefined) throw new Error(`unexpected question: ${q}`);
      return next;
    },
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
  };
  return { host, out, err, questions };
}

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(cwd, dir, "package.json"), "utf8")) as {
    name: string;
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

describe("parseCreateArgs", () => {
  it("takes a directory and a template, in either order and spelling", () => {
    expect(parseCreateArgs(["app", "--template", "network"])).toEqual({
      directory: "app",
      template: "network",
      help: false,
    });
    expect(parseCreateArgs(["-t", "kv", "app"])).toEqual({ directory: "app", template: "kv", help: false });
    expect(parseCreateArgs(["--template=hello"])).toEqual({ template: "hello", help: false });
    expect(parseCreateArgs(["--help"])).toEqual({ help: true });
  });

  it.each([
    [["--tempate", "kv"], "unknown option --tempate, did you mean --template?"],
    [["-t", "netwrk"], 'unknown template "netwrk", did you mean network? (expected one of hello, network, kv)'],
    [["--template"], "--template needs a value: one of hello, network, kv"],
    [["a", "b"], 'one directory only: got "a" and "b"'],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCreateArgs(argv)).toThrow(new UsageError(message));
  });
});

describe("runCreate", () => {
  it("writes the network project with the given versions, scripts and files", async () => {
    const s = session();
    expect(await runCreate(["My App", "--template", "network"], s.host)).toBe(0);
    expect(readdirSync(join(cwd, "My App")).sort()).toEqual([
      ".gitignore",
      "README.md",
      "config.ts",
      "package.json",
      "tsconfig.json",
      "unikernel.ts",
    ]);
    const m = manifest("My App");
    expect(m.name).toBe("my-app");
    expect(m.scripts).toEqual({
      configure: "mirage configure -t unix",
      build: "mirage build",
      start: "node --enable-source-maps dist/my-app.mjs",
    });
    expect(m.dependencies).toEqual({
      "@mirage-ts/mirage-runtime": "^1.0.0",
      "@mirage-ts/mirage-types": "^1.1.0",
      "@mirage-ts/mirage-unix": "^1.0.4",
      "@mirage-ts/tcpip": "^1.3.0",
    });
    expect(m.devDependencies).toEqual({ "@mirage-ts/mirage-cli": "^1.2.3" });
    // npm 11 and pnpm 10 run mirage-unix's install script (the tap addon) only where the project allows it.
    expect(m).toMatchObject({
      allowScripts: { "@mirage-ts/mirage-unix": true },
      pnpm: { onlyBuiltDependencies: ["@mirage-ts/mirage-unix"] },
    });
    expect(readFileSync(join(cwd, "My App", "config.ts"), "utf8")).toContain('register("my-app"');
    const tsconfig = JSON.parse(readFileSync(join(cwd, "My App", "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.strict).toBe(true);
    expect(s.out.join("")).toContain('cd "My App"\n  npm install\n  npm run configure -- --net=socket\n');
    expect(s.err).toEqual([]);
  });

  it("writes the kv template's data and no tcpip dependency", async () => {
    expect(await runCreate(["store", "-t", "kv"], session().host)).toBe(0);
    expect(readFileSync(join(cwd, "store", "data", "greeting.txt"), "utf8")).toContain("Hello");
    expect(Object.keys(manifest("store").dependencies)).not.toContain("@mirage-ts/tcpip");
  });

  it("writes into an existing empty directory", async () => {
    mkdirSync(join(cwd, "empty"));
    expect(await runCreate(["empty", "-t", "hello"], session().host)).toBe(0);
    expect(existsSync(join(cwd, "empty", "unikernel.ts"))).toBe(true);
  });

  it("refuses a non-empty directory with exit 1 and touches nothing", async () => {
    mkdirSync(join(cwd, "taken"));
    writeFileSync(join(cwd, "taken", "notes.txt"), "mine");
    const s = session();
    expect(await runCreate(["taken", "-t", "hello"], s.host)).toBe(1);
    expect(s.err.join("")).toBe(
      `create: ${join(cwd, "taken")} is not empty (it holds notes.txt): ` +
        "name a new directory, or empty this one first\n",
    );
    expect(readdirSync(join(cwd, "taken"))).toEqual(["notes.txt"]);
  });

  it("refuses a file in the directory's place", async () => {
    writeFileSync(join(cwd, "file"), "");
    const s = session();
    expect(await runCreate(["file"], s.host)).toBe(1);
    expect(s.err.join("")).toContain("exists and is not a directory");
  });

  it("exits 2 on a bad command line, naming the mistake", async () => {
    const s = session();
    expect(await runCreate(["app", "--tempate=kv"], s.host)).toBe(2);
    expect(s.err.join("")).toContain("unknown option --tempate, did you mean --template?");
    expect(existsSync(join(cwd, "app"))).toBe(false);
  });

  it("needs the directory when it cannot ask, and defaults the template to hello", async () => {
    const s = session();
    expect(await runCreate([], s.host)).toBe(2);
    expect(s.err.join("")).toContain("name the project's directory");
    expect(await runCreate(["plain"], s.host)).toBe(0);
    expect(readFileSync(join(cwd, "plain", "config.ts"), "utf8")).toContain("defaultSleep");
    expect(s.questions).toEqual([]);
  });

  it("asks for what the command line lacks on a terminal, again after a wrong answer", async () => {
    const s = session({ answers: ["", "webb", "2"] });
    expect(await runCreate([], s.host)).toBe(0);
    expect(s.questions).toHaveLength(3);
    expect(s.questions[0]).toBe("Project directory (mirage-app): ");
    expect(s.questions[1]).toContain("2. network: an HTTP service");
    expect(s.err.join("")).toBe('"webb" is not a template\n');
    expect(manifest("mirage-app").dependencies).toHaveProperty("@mirage-ts/tcpip");
  });

  it("prints --help with the templates and exit statuses", async () => {
    const s = session();
    expect(await runCreate(["--help"], s.host)).toBe(0);
    expect(s.out.join("")).toContain("network  an HTTP service");
    expect(s.out.join("")).toContain("1 when the directory cannot be used, 2 on a bad command line");
  });

  it("shows the next steps and README commands of the package manager that runs it", async () => {
    const s = session({ packageManager: "pnpm" });
    expect(await runCreate(["p", "-t", "hello"], s.host)).toBe(0);
    expect(s.out.join("")).toContain("  pnpm install\n  pnpm run configure\n  pnpm run build\n  pnpm start\n");
    expect(readFileSync(join(cwd, "p", "README.md"), "utf8")).toContain("pnpm run build");
    expect(await runCreate(["w", "-t", "network"], s.host)).toBe(0);
    expect(readFileSync(join(cwd, "w", "README.md"), "utf8")).toContain("pnpm run configure --net=socket\n");
  });

  it("shows in the README how to run the unikernel in a page and in a simulation, with its seed", async () => {
    const s = session();
    expect(await runCreate(["greeter", "-t", "hello"], s.host)).toBe(0);
    const hello = readFileSync(join(cwd, "greeter", "README.md"), "utf8");
    expect(hello).toContain("## In a web page (`-t browser`)\n");
    expect(hello).toContain("npx mirage configure -t browser");
    expect(hello).toContain("python3 -m http.server -d dist 8080    # then open http://127.0.0.1:8080/?l=debug\n");
    expect(hello).toContain("`?help` shows the options");
    expect(hello).toContain("## In a simulation (`-t sim`)\n");
    expect(hello).toContain("npx mirage configure -t sim");
    expect(hello).toContain("MIRAGE_SIM_SEED=3 node dist/greeter.mjs\n");
    expect(hello).toContain("the same seed gives the same output");
    expect(hello).not.toContain("mirage-switch");
    expect(hello).toContain("`npm run configure` configures for unix again.");
    // The network template: the switch for the page, and the simulated world for its clients.
    expect(await runCreate(["web", "-t", "network"], s.host)).toBe(0);
    const web = readFileSync(join(cwd, "web", "README.md"), "utf8");
    expect(web).toContain("npx mirage-switch --listen 127.0.0.1:8090 --bridge tap:tap0\n");
    expect(web).toContain("`ws://127.0.0.1:8090` unless told otherwise (`?interface=ws://HOST:PORT`)");
    expect(web).toContain("`dist/web.app.mjs`");
    expect(web).toContain("`SimWorld` and `runBundle`");
  });
});

describe("helpers", () => {
  it.each([
    ["app", "app"],
    ["My App", "my-app"],
    ["..hidden", "hidden"],
    ["@@@", "unikernel"],
    ["a_b.c", "a_b.c"],
  ])("projectName(%j) = %j", (dir, name) => expect(projectName(dir)).toBe(name));

  it.each([
    ["pnpm/10.34.8 npm/? node/v20.19.0 linux x64", "pnpm"],
    ["yarn/1.22.22 npm/? node/v20.19.0 linux x64", "yarn"],
    ["npm/11.1.0 node/v20.19.0 linux x64 workspaces/false", "npm"],
    [undefined, "npm"],
  ])("packageManagerOf(%j) = %j", (agent, pm) => expect(packageManagerOf(agent)).toBe(pm));

  it.each([
    ["npm", "npm run configure -- --net=socket"],
    ["pnpm", "pnpm run configure --net=socket"],
    ["yarn", "yarn run configure --net=socket"],
  ] as const)("%s passes script arguments its own way", (pm, command) => {
    expect(runScript(pm, "configure", ["--net=socket"])).toBe(command);
    expect(runScript(pm, "install")).toBe(pm === "yarn" ? "yarn" : `${pm} install`);
  });

  it("reads published ranges as they are and resolves workspace ranges to the siblings' versions", () => {
    const path = join(cwd, "package.json");
    writeFileSync(path, JSON.stringify({ devDependencies: { "@mirage-ts/tcpip": "^0.4.1", other: "1.0.0" } }));
    expect([...templateVersions(path)]).toEqual([["@mirage-ts/tcpip", "^0.4.1"]]);
    const own = templateVersions();
    const cli = JSON.parse(readFileSync(new URL("../../mirage-cli/package.json", import.meta.url), "utf8"));
    expect(own.get("@mirage-ts/mirage-cli")).toBe(`^${cli.version}`);
    expect([...own.keys()].sort()).toEqual([...VERSIONS.keys()]);
  });
});
