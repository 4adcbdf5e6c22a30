import { readdirSync } from "node:fs";
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
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ["test/**/*.test.ts"] },
      })),
      {
        extends: true as const,
        test: { name: "scripts", root: "scripts", include: ["test/**/*.test.ts"] },
      },
    ],
  },
});
