// Errors in config.ts point at config.ts: `configure` type-checks it against the catalogue's
// types (exit 123, each error as config.ts:LINE:COLUMN), and what evaluating it throws is located
// by its stack, mapped back to config.ts through the loader's source map.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildsMs } from "./support/limits.js";
import { files, helloFiles, mirage, project, removeProject } from "./support/project.js";

const made: string[] = [];
async function withConfig(config: string, extra: Record<string, string> = {}): Promise<string> {
  const dir = await project({ ...helloFiles(), "config.ts": config, ...extra });
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(made.map(removeProject));
});

const IMPORTS = 'import { defaultSleep, fn, impl, job, main, register, sleep } from "@mirage-ts/mirage-cli";\n';

describe.concurrent("config.ts errors name config.ts:LINE:COLUMN", { timeout: buildsMs(0, 300_000) }, () => {
  it("type-checks config.ts at configure, against the catalogue's types (exit 123)", async () => {
    const dir = await withConfig(
      `${IMPORTS}\n` +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        'register("hello", [hello.$(defaultSleep)], { packages: "fmt" });\n',
    );
    const r = await mirage(dir, ["configure"]);
    expect(r).toEqual({
      code: 123,
      stdout: "",
      stderr:
        "mirage: config.ts does not type-check (1 error):\n" +
        "config.ts:4:46: error TS2322: Type 'string' is not assignable to type 'readonly Package[]'.\n",
    });
    expect(await files(dir)).toEqual(["config.ts", "unikernel.ts"]);
    // The project's tsconfig.json options apply, with its emit options aside.
    await writeFile(
      join(dir, "config.ts"),
      `${IMPORTS}\nconst unused = 1;\n` +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        'register("hello", [hello.$(defaultSleep)]);\n',
    );
    await writeFile(
      join(dir, "tsconfig.json"),
      '{ "compilerOptions": { "strict": true, "noUnusedLocals": true, "composite": true, "outDir": "out" } }\n',
    );
    expect((await mirage(dir, ["configure"])).stderr).toBe(
      "mirage: config.ts does not type-check (2 errors):\n" +
        "config.ts:1:28: error TS6133: 'impl' is declared but its value is never read.\n" +
        "config.ts:3:7: error TS6133: 'unused' is declared but its value is never read.\n",
    );
  });

  it("locates an exception thrown while importing config.ts", async () => {
    const dir = await withConfig(
      `${IMPORTS}\n` +
        "const jobs: any = undefined;\n" +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        'register("hello", jobs);\n',
    );
    for (const command of ["configure", "describe"]) {
      expect(await mirage(dir, [command])).toEqual({
        code: 123,
        stdout: "",
        stderr: "mirage: config.ts:5:1: Cannot read properties of undefined (reading 'some')\n",
      });
    }
  });

  it("locates an exception thrown by config.ts's code while the graph is evaluated", async () => {
    const dir = await withConfig(
      `${IMPORTS}\n` +
        "const names: string[] | undefined = undefined as string[] | undefined;\n" +
        "const hello = impl({\n" +
        '  module: "./unikernel.js",\n' +
        '  name: "Hello",\n' +
        "  type: fn(sleep, job),\n" +
        "  connect: () => String(names!.length),\n" +
        "});\n" +
        'register("hello", [hello.$(defaultSleep)]);\n',
    );
    expect(await mirage(dir, ["configure"])).toEqual({
      code: 123,
      stdout: "",
      stderr: "mirage: config.ts:8:32: Cannot read properties of undefined (reading 'length')\n",
    });
  });

  it("refuses package ranges no version satisfies before writing package.json", async () => {
    const dir = await withConfig(
      'import { defaultSleep, fn, job, main, pkg, register, sleep } from "@mirage-ts/mirage-cli";\n\n' +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        'register("hello", [hello.$(defaultSleep)], {\n' +
        '  packages: [pkg("fmt", { range: "^1.0.0 || ^2.0.0" }), pkg("fmt", { range: ">=3.0.0" })],\n' +
        "});\n",
    );
    expect(await mirage(dir, ["configure"])).toEqual({
      code: 123,
      stdout: "",
      stderr:
        'mirage: package "fmt": no version satisfies all of "^1.0.0 || ^2.0.0", ">=3.0.0"; ' +
        "align the ranges the devices and the application declare\n",
    });
    expect(await files(dir)).toEqual(["config.ts", "unikernel.ts"]);
  });

  it("locates a throw in a file config.ts imports", async () => {
    const dir = await withConfig(
      `${IMPORTS}import { devices } from "./devices.js";\n\n` +
        'const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });\n' +
        'register("hello", [hello.$(devices())]);\n',
      {
        "devices.ts":
          'import { defaultSleep } from "@mirage-ts/mirage-cli";\n\n' +
          "export function devices(): typeof defaultSleep {\n" +
          '  throw new RangeError("no device for this target");\n' +
          "}\n",
      },
    );
    expect((await mirage(dir, ["describe"])).stderr).toBe("mirage: devices.ts:4:9: no device for this target\n");
  });
});
