// The `sim` target: examples configured with `-t sim`, built, and run on mirage-sim's virtual clock.
// hello's four lines, a second apart, are stamped 00:00:00 to 00:00:03 of the simulation's first day
// (virtual time, not the host's); timeout1 gives the same line for the same MIRAGE_SIM_SEED and both
// of its outcomes over a few seeds; a device the target lacks is refused at configure time.
import { describe, expect, it } from "vitest";
import { buildsMs } from "./support/limits.js";
import { exampleCopy, files, mirage, removeProject, run } from "./support/project.js";

/** Configures and builds a copy of `name` for the sim target, then runs `check` in it. */
async function withSimExample(name: string, check: (dir: string) => Promise<void>): Promise<void> {
  const dir = await exampleCopy(name);
  try {
    const configured = await mirage(dir, ["configure", "-t", "sim"]);
    expect(configured.code, configured.stderr).toBe(0);
    const built = await mirage(dir, ["build", "-q"]);
    expect(built, built.stderr).toMatchObject({ code: 0, stderr: "" });
    await check(dir);
    expect((await mirage(dir, ["clean"])).code).toBe(0);
  } finally {
    await removeProject(dir);
  }
}

const bundle = (dir: string, name: string, seed: number) =>
  run(process.execPath, [`dist/${name}.mjs`], { cwd: dir, env: { MIRAGE_SIM_SEED: String(seed) } });

describe.concurrent("the sim target", { timeout: buildsMs(1) }, () => {
  it("runs hello on virtual time", () =>
    withSimExample("hello", async (dir) => {
      const r = await bundle(dir, "hello", 1);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.trim().split("\n")).toEqual(
        [0, 1, 2, 3].map((s) => `2026-01-01T00:00:0${s}Z: [INFO] [hello] hello`),
      );
    }));

  it("gives timeout1 the same outcome for the same seed, and both outcomes over seeds", () =>
    withSimExample("timeout1", async (dir) => {
      const outcomes = new Set<string>();
      for (let seed = 1; seed <= 6; seed++) {
        const first = await bundle(dir, "timeout1", seed);
        expect(first.code, first.stderr).toBe(0);
        expect((await bundle(dir, "timeout1", seed)).stderr).toBe(first.stderr);
        outcomes.add(first.stderr.replace(/^.*\] /u, "").trim());
      }
      expect([...outcomes].sort()).toEqual(["Cancelled", 'Returned "Heads"']);
    }));

  it("refuses a device the target does not simulate", async () => {
    const dir = await exampleCopy("block");
    try {
      const before = await files(dir);
      const r = await mirage(dir, ["configure", "-t", "sim"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("blockOfFile is not supported on the sim target");
      expect(await files(dir)).toEqual(before);
    } finally {
      await removeProject(dir);
    }
  });
});
