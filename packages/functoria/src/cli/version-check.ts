/**
 * The version constraint a configuration file may state on its first line (upstream
 * `Tool.check_version`), in TypeScript comment syntax: `// mirage >= 0.1.0 & < 0.2.0`, or the
 * same words in a block comment closed on that line. A first line that does not start with the
 * tool's name is not a constraint and is accepted; a constraint that cannot be read, or that the
 * running tool does not meet, is an error with upstream's message, adapted to npm.
 *
 * @packageDocumentation
 */

/**
 * The outcome of {@link checkVersion}: accepted (possibly with a warning) or refused.
 *
 * @public
 */
export type VersionCheck =
  | { readonly ok: true; readonly warning?: string | undefined }
  | { readonly ok: false; readonly error: string };

/**
 * The running tool, as {@link checkVersion} needs it.
 *
 * @public
 */
export interface VersionedTool {
  /** The tool name the comment starts with (`mirage`). */
  readonly name: string;
  /** The running version (`0.1.0`). */
  readonly version: string;
  /** The npm package to install to change version, for the hint (default: the tool name). */
  readonly packageName?: string | undefined;
}

type Bounds = { readonly lower: string | undefined; readonly upper: string | undefined };

const COMMENTS: readonly { readonly open: string; readonly close: string | undefined }[] = [
  { open: "//", close: undefined },
  { open: "/*", close: "*/" },
];

function readBounds(
  tokens: readonly string[],
  close: string | undefined,
  usage: string,
): { ok: true; bounds: Bounds } | { ok: false; error: string } {
  let lower: string | undefined;
  let upper: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (token === "" || token === "&") continue;
    if (token === close) return { ok: true, bounds: { lower, upper } };
    if ((token === ">=" || token === "<") && next !== undefined && next !== "") {
      if (token === ">=") {
        if (lower !== undefined) return { ok: false, error: "Bad comment, multiple >= constraints" };
        lower = next;
      } else {
        if (upper !== undefined) return { ok: false, error: "Bad comment, multiple < constraints" };
        upper = next;
      }
      i += 1;
      continue;
    }
    return { ok: false, error: usage };
  }
  // A line comment ends with the line; a block comment must be closed on it.
  return close === undefined ? { ok: true, bounds: { lower, upper } } : { ok: false, error: usage };
}

/**
 * Whether the dotted version `a` is greater than `b` (or equal, when `orEqual`), comparing
 * numeric components left to right; a missing component is smaller. A non-numeric component
 * makes the comparison fail, as upstream's.
 */
function greater(a: readonly string[], b: readonly string[], orEqual: boolean): boolean {
  const [x, ...xs] = a;
  const [y, ...ys] = b;
  if (x === undefined) return y === undefined ? orEqual : false;
  if (y === undefined) return true;
  if (!/^\d+$/u.test(x) || !/^\d+$/u.test(y)) return false;
  const nx = Number(x);
  const ny = Number(y);
  return nx > ny || (nx === ny && greater(xs, ys, orEqual));
}

/**
 * Checks the first line of a configuration file against the running tool (upstream
 * `Tool.check_version`, with line or block comments and npm install hints).
 *
 * @example
 * ```ts
 * checkVersion({ name: "mirage", version: "0.1.0" }, "// mirage >= 0.2.0");
 * // { ok: false, error: "Version mismatch: required is mirage >= 0.2.0, but 0.1.0 is installed. ..." }
 * ```
 * @param tool - the running tool
 * @param firstLine - the first line of the configuration file (later lines are ignored)
 * @public
 */
export function checkVersion(tool: VersionedTool, firstLine: string): VersionCheck {
  const line = firstLine.split("\n", 1)[0] ?? "";
  const form = COMMENTS.find((c) => line.startsWith(`${c.open} ${tool.name} `));
  if (form === undefined) return { ok: true };
  const usage = `Unknown first line, must be // ${tool.name} [>= a.b.c] [&] [< d.e.f]`;
  const read = readBounds(line.slice(form.open.length + tool.name.length + 2).split(/[ \t]/u), form.close, usage);
  if (!read.ok) return read;
  if (!/^\d+(?:\.\d+)*$/u.test(tool.version)) {
    return {
      ok: true,
      warning:
        `Skipping version check, since our_version (${JSON.stringify(tool.version)}) fails to parse: ` +
        "only digits and . allowed in version",
    };
  }
  const pkg = tool.packageName ?? tool.name;
  const ours = tool.version.split(".");
  const { lower, upper } = read.bounds;
  if (lower !== undefined && !greater(ours, lower.split("."), true)) {
    return {
      ok: false,
      error:
        `Version mismatch: required is ${tool.name} >= ${lower}, but ${tool.version} is installed. ` +
        `Please upgrade your installation (npm install '${pkg}@>=${lower}')`,
    };
  }
  if (upper !== undefined && !greater(upper.split("."), ours, false)) {
    return {
      ok: false,
      error:
        `Version mismatch: required is ${tool.name} < ${upper}, but ${tool.version} is installed. ` +
        `Please downgrade your installation (npm install '${pkg}@<${upper}')`,
    };
  }
  return { ok: true };
}
