// The examples that the READMEs build for the browser and the simulation list the packages those targets
// need, so that `mirage configure -t sim` then `mirage build` work in the example's own directory, as the
// docs say (`MIRAGE_SIM_SEED=3 node dist/timeout1.mjs`). The end-to-end tests build copies of the examples
// whose node_modules link every workspace package, so they cannot see a dependency missing here.

import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_MS } from "./support/limits.js";
import { ROOT, mirage } from "./support/project.js";

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const manifest = async (name: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(ROOT, "examples", name, "package.json"), "utf8")) as Manifest;

/** The examples with no host-only device: those depending on the browser platform. */
async function portableExamples(): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(join(ROOT, "examples"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const deps = (await manifest(entry.name).catch(() => ({}) as Manifest)).dependencies ?? {};
    if ("@mirage-ts/mirage-browser" in deps) names.push(entry.name);
  }
  return names.sort();
}

const examples = await portableExamples();

describe.concurrent("the examples' dependencies", { timeout: COMMAND_MS }, () => {
  it("covers the examples the READMEs build for the browser and the simulation", () => {
    expect(examples).toEqual(expect.arrayContaining(["hello", "heads1", "timeout1", "tcp-echo", "static-website"]));
  });

  for (const name of examples) {
    for (const target of ["browser", "sim"]) {
      it(`${name} lists every package of -t ${target}`, async () => {
        const query = await mirage(join(ROOT, "examples", name), ["query", "packages", "-t", target]);
        expect(query, query.stderr).toMatchObject({ code: 0, stderr: "" });
        const { dependencies = {}, devDependencies = {} } = await manifest(name);
        const missing = query.stdout
          .trim()
          .split("\n")
          .map((line) => /^(@?[^@\s]+)@\S+( \(build\))?$/u.exec(line))
          .filter((m) => m !== null)
          .filter((m) => !(m[1]! in (m[2] === undefined ? dependencies : { ...dependencies, ...devDependencies })))
          .map((m) => m[1]);
        expect(missing, `examples/${name}/package.json lacks them`).toEqual([]);
      });
    }
  }
});
