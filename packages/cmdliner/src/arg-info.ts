/**
 * How an argument is named and documented (Cmdliner's `Arg.info`).
 *
 * @packageDocumentation
 */

/**
 * The names and documentation of an argument. Only `names` is needed: an object literal
 * (`{ names: ["t", "target"], doc: "…" }`) or {@link info} builds one.
 *
 * @public
 */
export interface ArgInfo {
  /** Option names without dashes: one letter is a short option (`-l`), longer is long (`--logs`). */
  readonly names: readonly string[];
  /** One or more sentences for `--help`; none by default. */
  readonly doc?: string | undefined;
  /** The metavariable `--help` shows for the value; the converter's when absent. */
  readonly docv?: string | undefined;
  /** The `--help` section listing the argument; the command's default section when absent. */
  readonly docs?: string | undefined;
  /** An environment variable read when the option is absent from the command line. */
  readonly env?: string | undefined;
  /** Replaces the default value shown by `--help` with this text (`absent <text>`). */
  readonly absent?: string | undefined;
}

/**
 * The optional parts of an {@link ArgInfo}.
 *
 * @public
 */
export type ArgInfoOptions = Omit<ArgInfo, "names">;

const validName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks the names of an argument.
 *
 * @throws TypeError if `names` is empty or a name is not letters, digits, `-`, `_` and `.` (without
 * leading dashes).
 * @beta
 */
export function checkNames(names: readonly string[]): void {
  if (names.length === 0) throw new TypeError("An argument needs at least one name");
  for (const name of names) {
    if (!validName.test(name)) {
      throw new TypeError(
        `Invalid argument name ${JSON.stringify(name)}: use letters, digits, '-', '_' and '.', without leading dashes`,
      );
    }
  }
}

/**
 * Names and documents an argument (the fields left out stay absent).
 *
 * @example
 * ```ts
 * info(["l", "logs"], { docv: "LEVEL", docs: "LOG OPTIONS", doc: "Be more or less verbose." })
 * ```
 *
 * @throws TypeError as {@link checkNames}.
 * @public
 */
export function info(names: readonly string[], options: ArgInfoOptions = {}): ArgInfo {
  checkNames(names);
  const present = Object.entries(options).filter(([, value]) => value !== undefined);
  return { names: Object.freeze([...names]), ...Object.fromEntries(present) };
}
