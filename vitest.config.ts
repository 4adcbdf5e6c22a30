import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Tests import sibling packages by name; the `mirage-source` export condition points those imports
// at `src/`, so tests run against the sources without a build.
const conditions = ["mirage-source", "module", "node", "import", "default"];

const packages = readdirSync(new URL("./packages", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // vitest's default on 2 cores is one file at a time; many files wait on child processes (builds,
    // npm, the kernel in a namespace), so one file more than there are cores keeps both busy.
    maxWorkers: availableParallelism() + 1,
    // Limits are nets against a hang, sized for a loaded machine, never a measure of speed: tests that
    // do more work (builds, transfers) set their own from the work in test/support/limits.ts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ["test/**/*.test.ts"] },
      })),
      {
        extends: true as const,
        test: { name: "scripts", root: "scripts", include: ["test/**/*.test.ts"] },
      },
      // Examples whose tests a user copies (the simulation's seed search).
      {
        extends: true as const,
        test: { name: "examples", root: "examples", include: ["*/test/**/*.test.ts"] },
      },
    ],
  },
});
