// The two compilers of the type-checks: TypeScript 7's native binary where it is installed, the
// TypeScript 6 API where it is not ("not available" injected). Both must report the same
// diagnostics, located in the files that hold the errors, with the project's options.
import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../src/internal/config-check.js";
import { chooseChecker } from "../src/typescript/checker.js";
import { findNativeCompiler } from "../src/typescript/native-check.js";
import { helloFiles, project, removeProject } from "./support/project.js";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map(removeProject));
});

async function fresh(files: Record<string, string>): Promise<string> {
  const dir = await project(files);
  made.push(dir);
  return dir;
}

const native = chooseChecker();
const api = chooseChecker(null);
const version = async (pkg: string) =>
  (
    JSON.parse(await readFile(join(import.meta.dirname, "..", "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

describe("the compilers of the type-checks", { timeout: 300_000 }, () => {
  it("uses TypeScript 7's binary when installed, TypeScript 6's API when not", async () => {
    expect(findNativeCompiler()).toBeDefined();
    expect(native.name).toBe(`TypeScript ${await version("typescript-7")}`);
    expect(api.name).toBe(`TypeScript ${await version("typescript")}`);
    expect(native.name).toMatch(/^TypeScript 7\./u);
    expect(api.name).toMatch(/^TypeScript 6\./u);
  });

  it("both locate an error in the file that holds it, with the same report", async () => {
    const dir = await fresh({
      "main.ts": 'import { start } from "./unikernel.js";\nawait start(1);\n',
      "unikernel.ts":
        'import type { Sleep } from "@mirage-ts/mirage-types";\n' +
        "export async function start(n: number): Promise<void> {\n" +
        "  const s: Sleep = n;\n" +
        "  await s.sleepNs(1n);\n" +
        "}\n",
    });
    const request = { root: join(dir, "main.ts"), configDir: dir, types: [], pretty: false };
    const [byNative, byApi] = await Promise.all([native.check(request), api.check(request)]);
    const unikernel = relative(process.cwd(), join(dir, "unikernel.ts"));
    expect(byNative).toEqual({
      errors: 1,
      report: `${unikernel}:3:9: error TS2322: Type 'number' is not assignable to type 'Sleep'.\n`,
    });
    expect(byApi).toEqual(byNative);
    const pretty = await Promise.all([
      native.check({ ...request, pretty: true }),
      api.check({ ...request, pretty: true }),
    ]);
    for (const result of pretty) {
      expect(result.errors).toBe(1);
      expect(result.report).toContain("\u001b[");
    }
  });

  it("both take the project's tsconfig.json, its emit options aside, and check clean code clean", async () => {
    const files = {
      ...helloFiles(),
      "main.ts": 'import { Hello } from "./unikernel.js";\nexport const started: Promise<void> = Hello.start(null!);\n',
      "tsconfig.json":
        '{ "compilerOptions": { "strict": true, "noUnusedParameters": true, "composite": true, ' +
        '"rootDir": "src", "outDir": "out", "declaration": true, "incremental": true } }\n',
    };
    const dir = await fresh(files);
    const request = { root: join(dir, "main.ts"), configDir: dir, types: [], pretty: false };
    for (const checker of [native, api]) expect(await checker.check(request)).toEqual({ errors: 0, report: "" });
    await writeFile(join(dir, "extra.ts"), "export function f(unused: number): void {}\n");
    await writeFile(join(dir, "main.ts"), 'import { f } from "./extra.js";\nf(1);\n');
    const reports = await Promise.all([native.check(request), api.check(request)]);
    const extra = relative(process.cwd(), join(dir, "extra.ts"));
    for (const report of reports)
      expect(report).toEqual({
        errors: 1,
        report: `${extra}:1:19: error TS6133: 'unused' is declared but its value is never read.\n`,
      });
  });

  it("both add the target's type packages to the project's own", async () => {
    const types = (name: string, global: string) => ({
      [`node_modules/@types/${name}/package.json`]: JSON.stringify({ name: `@types/${name}`, types: "index.d.ts" }),
      [`node_modules/@types/${name}/index.d.ts`]: `declare const ${global}: number;\n`,
    });
    const dir = await fresh({
      ...types("fake-a", "fakeA"),
      ...types("fake-b", "fakeB"),
      "main.ts": "export const sum: number = fakeA + fakeB;\n",
      "tsconfig.json": '{ "compilerOptions": { "strict": true, "types": ["fake-a"] } }\n',
    });
    const request = { root: join(dir, "main.ts"), configDir: dir, types: ["fake-b"], pretty: false };
    for (const checker of [native, api]) {
      expect(await checker.check(request)).toEqual({ errors: 0, report: "" });
      expect((await checker.check({ ...request, types: [] })).report).toContain("Cannot find name 'fakeB'");
    }
  });

  it("both add the target's libraries to the project's lib, or to the default", async () => {
    const main = "export const bytes: Uint8Array = new TextEncoder().encode(new Array(2).at(0) ?? 'x');\n";
    const bare = await fresh({ "main.ts": main });
    const withLib = await fresh({
      "main.ts": main,
      "tsconfig.json": '{ "compilerOptions": { "strict": true, "lib": ["es2022"] } }\n',
    });
    for (const checker of [native, api]) {
      for (const dir of [bare, withLib]) {
        const request = { root: join(dir, "main.ts"), configDir: dir, types: [], pretty: false };
        expect((await checker.check(request)).report).toContain("Cannot find name 'TextEncoder'");
        expect(await checker.check({ ...request, libs: ["dom"] })).toEqual({ errors: 0, report: "" });
      }
    }
  });

  it("type-checks config.ts with either compiler", async () => {
    const dir = await fresh({
      ...helloFiles(),
      "config.ts":
        'import { defaultSleep, fn, job, main, register, sleep } from "@mirage-ts/mirage-cli";\n' +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        "register(1, [hello.$(defaultSleep)]);\n",
    });
    for (const checker of [native, api]) {
      await expect(checkConfig(join(dir, "config.ts"), checker)).rejects.toThrow(
        "config.ts does not type-check (1 error):\n" +
          `${relative(process.cwd(), join(dir, "config.ts"))}:3:10: error TS2345: ` +
          "Argument of type 'number' is not assignable to parameter of type 'string'.",
      );
    }
  });
});
