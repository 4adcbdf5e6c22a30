/**
 * The packages a failed type-check could not find (TS2307 on a bare specifier): after `configure` printed
 * the command adding a target's platform package, a build run before it says "Cannot find module", and the
 * fix is that install, not the code or the device graph.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colours of a pretty report
const ANSI = /\u001b\[[0-9;]*m/gu;
const CANNOT_FIND = /error TS2307: Cannot find module '([^']+)'/gu;

/** The packages (not relative paths) named by TS2307 in a type-check report, once each, in order. */
export function missingPackages(report: string): string[] {
  const names = new Set<string>();
  for (const match of report.replace(ANSI, "").matchAll(CANNOT_FIND)) {
    const specifier = match[1]!;
    if (specifier.startsWith(".") || specifier.startsWith("/")) continue;
    const parts = specifier.split("/");
    names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
  }
  return [...names];
}

/** The error of a build whose type-check could not find `packages`. */
export function missingPackagesMessage(packages: readonly string[]): string {
  return (
    `the unikernel's dependencies are not installed: ${packages.join(", ")} cannot be found; add them to ` +
    "package.json and install them (mirage configure prints the command), then build again"
  );
}
