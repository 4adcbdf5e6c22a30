// Port of upstream's test_version.ml (Tool.check_version), with `//` and block comments.

import { MemoryFileSystem, apply, checkVersion, defineApp, fn, job, main, noop, runTool } from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";
import { app, runIn, testBuilder } from "./helpers.js";

const tool = (version: string) => ({ name: "name", version, packageName: "@scope/name-cli" });
const check = (version: string, line: string) => checkVersion(tool(version), line);

describe("checkVersion (test_version)", () => {
  it("accepts first lines that are not constraints for this tool", () => {
    for (const line of [
      "// not a name",
      "not a comment",
      "/* missing closing thingy",
      "// name2 >= bad version",
      "// name3 >= 1.2.3 && < 2.3.4",
      "/* name2 \n >= 1.2.3 & < 2.3.4 */",
      "",
    ]) {
      expect(check("1.2.3", line), line).toEqual({ ok: true });
    }
  });

  it("refuses malformed constraints", () => {
    const usage = "Unknown first line, must be // name [>= a.b.c] [&] [< d.e.f]";
    expect(check("1.2.3", "/* name >= 1.2.3")).toEqual({ ok: false, error: usage });
    expect(check("1.2.3", "// name >>= 1.2.3")).toEqual({ ok: false, error: usage });
    expect(check("1.2.3", "// name > 1.2.3")).toEqual({ ok: false, error: usage });
    expect(check("1.2.3", "// name >= 1.2.3 && < 2.3.4")).toEqual({ ok: false, error: usage });
    expect(check("1.2.3", "// name >=")).toEqual({ ok: false, error: usage });
    expect(check("1.2.3", "// name >= 1.2.3 & >= 2.3.4")).toEqual({
      ok: false,
      error: "Bad comment, multiple >= constraints",
    });
    expect(check("1.2.3", "// name < 1.2.3 & < 2.3.4")).toEqual({
      ok: false,
      error: "Bad comment, multiple < constraints",
    });
  });

  it("accepts constraints that hold, in both comment forms", () => {
    const good = [
      "// name >= 1.2.3",
      "// name < 2.0.0",
      "// name >= 1.0.0 & < 2.0.0",
      "// name >= 1.2",
      "// name >= 1.0 & < 2.0",
      "// name >= 1 & < 2",
      "// name < 2.0",
      "// name < 2",
      "/* name >= 1.0.0 & < 2.0.0 */",
      "// name >= 1.0.0 < 2.0.0",
    ];
    for (const version of ["1.2.3", "1.3"]) {
      for (const line of good) expect(check(version, line), `${version}: ${line}`).toEqual({ ok: true });
    }
  });

  it("refuses constraints that do not hold, with upstream's messages and an npm hint", () => {
    for (const line of ["// name >= 1.2.3", "// name < 0.1.2", "// name >= 1.0.0 & < 2.0.0", "// name >= 1.0.0"]) {
      expect(check("0.1.2", line).ok, line).toBe(false);
    }
    expect(check("0.1.2", "// name >= 1.0.0")).toEqual({
      ok: false,
      error:
        "Version mismatch: required is name >= 1.0.0, but 0.1.2 is installed. " +
        "Please upgrade your installation (npm install '@scope/name-cli@>=1.0.0')",
    });
    expect(check("0.1.2", "// name < 0.1.2")).toEqual({
      ok: false,
      error:
        "Version mismatch: required is name < 0.1.2, but 0.1.2 is installed. " +
        "Please downgrade your installation (npm install '@scope/name-cli@<0.1.2')",
    });
    expect(checkVersion({ name: "name", version: "0.1.2" }, "// name >= 1.0.0")).toMatchObject({
      error: expect.stringContaining("(npm install 'name@>=1.0.0')"),
    });
  });

  it("only warns when its own version does not parse", () => {
    for (const version of ["1.2.3-23-g453412", "1.0~test", "0.2.0-beta.1"]) {
      expect(check(version, "// name >= 1.0.0 & < 2.0.0")).toEqual({
        ok: true,
        warning:
          `Skipping version check, since our_version (${JSON.stringify(version)}) fails to parse: ` +
          "only digits and . allowed in version",
      });
    }
    expect(check("1.0~test", "// name >= 1.2.3 & >= 2.0.0")).toMatchObject({ ok: false });
  });
});

describe("the tool checks the first line on configure", () => {
  const apps = {
    "/w/config.ts": () => app("v", [apply(main({ module: "./app.js", name: "Main", type: fn(job, job) }), noop)]),
  };
  const fs = (first: string) => new MemoryFileSystem({ cwd: "/w", files: { "config.ts": `${first}\nexport {};\n` } });

  it("fails configure with 1 on a mismatch, before writing anything", async () => {
    const builder = { ...testBuilder, version: "1.0.0", packageName: "test-cli" };
    const files = fs("// test >= 2.0.0");
    let stderr = "";
    const code = await runTool({
      builder,
      argv: ["configure"],
      fs: files,
      io: { stdout: () => undefined, stderr: (t) => (stderr += t) },
      loadApp: async () =>
        defineApp(builder, "v", [apply(main({ module: "./app.js", name: "Main", type: fn(job, job) }), noop)]),
    });
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr:
        "test: Version mismatch: required is test >= 2.0.0, but 1.0.0 is installed. " +
        "Please upgrade your installation (npm install 'test-cli@>=2.0.0')\n",
    });
    expect(Object.keys(files.snapshot().files)).toEqual(["/w/config.ts"]);
  });

  it("lets the other commands through, and warns on configure when its own version does not parse", async () => {
    expect((await runIn(fs("// test >= 2.0.0"), ["describe"], apps)).code).toBe(0);
    const r = await runIn(fs("// test >= 1.0.0 & < 2.0.0"), ["configure"], apps);
    expect(r).toMatchObject({
      code: 0,
      stderr:
        'test: [WARNING] Skipping version check, since our_version ("1.0~test") fails to parse: ' +
        "only digits and . allowed in version\n",
    });
    expect((await runIn(fs("// test >>= 1"), ["conf"], apps)).stderr).toBe(
      "test: Unknown first line, must be // test [>= a.b.c] [&] [< d.e.f]\n",
    );
  });
});
