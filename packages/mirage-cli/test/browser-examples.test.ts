// Every example that uses no device of the host builds for the browser target, and each of the
// others is refused at configure time with the device and the target named. A new example falls in
// one list or the other: the test fails until it is placed. `mirage clean` removes what the build wrote.
import { existsSync, readdirSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsMs } from "./support/limits.js";
import { ROOT, exampleCopy, mirage, removeProject } from "./support/project.js";

/** The examples that need the host, with the device `configure -t browser` names. */
const HOST_ONLY: Readonly<Record<string, string>> = {
  block: "blockOfFile",
  "disk-lottery": "blockOfFile",
  "http-fetch": "httpFetchClient",
  "static-website-tls": "genericHttpService",
};

const examples = readdirSync(join(ROOT, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const portable = examples.filter((name) => HOST_ONLY[name] === undefined);

describe("the examples on the browser target", () => {
  it("lists only examples that exist", () => {
    for (const name of Object.keys(HOST_ONLY)) expect(examples).toContain(name);
  });

  it("builds every example that uses no host device", { timeout: buildsMs(portable.length) }, async () => {
    for (const name of portable) {
      const dir = await exampleCopy(name);
      try {
        const configured = await mirage(dir, ["configure", "-t", "browser"]);
        expect(configured.code, `${name}: ${configured.stderr}`).toBe(0);
        const built = await mirage(dir, ["build", "-q"]);
        expect(built.code, `${name}: ${built.stderr}`).toBe(0);
        // The page, its bundle and the bundle's map; `mirage clean` removes them and the folder.
        const dist = await readdir(join(dir, "dist"));
        const bundle = dist.find((file) => file.endsWith(".js")) ?? "no bundle";
        expect(dist.sort(), name).toEqual(["index.html", bundle, `${bundle}.map`].sort());
        expect(await readFile(join(dir, "dist", "index.html"), "utf8")).toContain(`src="./${bundle}"`);
        expect((await mirage(dir, ["clean"])).code, name).toBe(0);
        expect(existsSync(join(dir, "dist")), name).toBe(false);
      } finally {
        await removeProject(dir);
      }
    }
  });

  it("refuses the host-only examples, naming the device and the target", { timeout: buildsMs(1) }, async () => {
    for (const [name, device] of Object.entries(HOST_ONLY)) {
      const dir = await exampleCopy(name);
      try {
        const r = await mirage(dir, ["configure", "-t", "browser"]);
        expect(r.code, name).not.toBe(0);
        expect(r.stderr, name).toContain(`${device} is not supported on the browser target`);
      } finally {
        await removeProject(dir);
      }
    }
  });
});
