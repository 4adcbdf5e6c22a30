// The packages as a user gets them from a registry: a local Verdaccio (see registry/verdaccio.ts) with
// every public package published at a snapshot version, shared by every case of this file. A project
// is made with `npm create @mirage-ts` and `pnpm create @mirage-ts`, installed, configured, built and
// asked over HTTP; four consumers install only what they use; the getting-started guide's commands
// run as written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll } from "vitest";
import { functoriaTool } from "./consumers/functoria-tool.js";
import type { Published } from "./consumers/harness.js";
import { mirageCli } from "./consumers/mirage-cli.js";
import { mirageTypesOnly } from "./consumers/mirage-types-only.js";
import { tcpipOnly } from "./consumers/tcpip-only.js";
import { createdProjects } from "./registry/created-projects.js";
import { gettingStarted } from "./registry/getting-started.js";
import { publishSnapshot } from "./registry/publish.js";
import { type Registry, startRegistry } from "./registry/verdaccio.js";

let scratch: string | undefined;
let registry: Registry | undefined;
let published: Published | undefined;
const current = (): Published => {
  if (published === undefined) throw new Error("the registry did not start (see the beforeAll failure)");
  return published;
};

describeRequiring(missingTools("npm", "pnpm"), "from a local registry", {}, () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "mirage-registry-"));
    registry = await startRegistry(join(scratch, "registry"));
    published = { registry, versions: publishSnapshot(registry, join(scratch, "repository"), "registry-test") };
  }, 900_000);
  afterAll(async () => {
    await registry?.stop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  createdProjects(current);
  mirageTypesOnly(current);
  tcpipOnly(current);
  mirageCli(current);
  functoriaTool(current);
  gettingStarted(current);
});
