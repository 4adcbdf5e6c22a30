/**
 * Gating of tests that need root or host tools: they skip with a visible reason, never silently.
 */
import { execFileSync } from "node:child_process";

/** Whether `command` runs (found on PATH and exits 0 with `args`). */
export function hasTool(command: string, args: readonly string[] = ["--version"]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why tests needing root and `tools` cannot run here, or `undefined` if they can. */
export function missingPrivileges(tools: readonly (readonly [string, readonly string[]])[] = []): string | undefined {
  if (process.getuid?.() !== 0) return "they need root (CAP_NET_ADMIN, loop devices)";
  const missing = tools.filter(([tool, args]) => !hasTool(tool, args)).map(([tool]) => tool);
  return missing.length > 0 ? `missing tools: ${missing.join(", ")} (CI installs them with apt)` : undefined;
}

/** Prints why a group of tests is skipped, so a skip is never silent. */
export function announceSkip(group: string, reason: string | undefined): void {
  if (reason !== undefined) process.stderr.write(`SKIPPED ${group}: ${reason}\n`);
}
