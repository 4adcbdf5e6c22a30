// Tests that need something of the host run where it is there. Where it is not, they skip through
// vitest with the reason in their title, except in strict mode (CI as root, the CI machine), where a
// missing prerequisite fails the run with its name instead: a green CI never hides a tier of tests.
import { type TestOptions, describe, it } from "vitest";
import type { Missing } from "./host-checks.js";

/** Whether a missing prerequisite fails instead of skipping: `CI` set and running as root, or forced. */
export function strictMode(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): boolean {
  const forced = env.MIRAGE_TEST_STRICT;
  if (forced === "1" || forced === "0") return forced === "1";
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false" && uid === 0;
}

function failure(missing: string): Error {
  const why =
    process.env.MIRAGE_TEST_STRICT === "1"
      ? "MIRAGE_TEST_STRICT=1 makes it required"
      : "it is required in CI (CI set, running as root: strict mode)";
  return new Error(`missing prerequisite: ${missing}; ${why}. MIRAGE_TEST_STRICT=0 lets it skip instead`);
}

type Body = () => void | Promise<void>;

/**
 * `describe(title, options, body)` where nothing is missing; otherwise the suite is skipped with the
 * reason in its title or, in strict mode, replaced by one failing test that names what is missing.
 */
export function describeRequiring(missing: Missing, title: string, options: TestOptions, body: () => void): void {
  if (missing === undefined) describe(title, options, body);
  else if (strictMode()) describe(title, () => it("has its prerequisites", () => Promise.reject(failure(missing))));
  else describe.skip(`${title} (skipped: ${missing})`, options, body);
}

/** `it(title, options, body)` where nothing is missing; otherwise skipped or failing as {@link describeRequiring}. */
export function itRequiring(missing: Missing, title: string, options: TestOptions, body: Body): void {
  if (missing === undefined) it(title, options, body);
  else if (strictMode()) it(title, () => Promise.reject(failure(missing)));
  else it.skip(`${title} (skipped: ${missing})`, options, body);
}
