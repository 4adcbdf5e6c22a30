/**
 * How a run-time argument is named and documented (Cmdliner's `Arg.info`), and the man-page sections
 * Mirage groups arguments into.
 *
 * @packageDocumentation
 */

/**
 * The man-page sections of a unikernel's `--help`, as Mirage names them. Sections are listed in
 * {@link manSectionOrder}; an argument's `docs` may also name a section of its own.
 *
 * @public
 */
export const sections = Object.freeze({
  arguments: "ARGUMENTS",
  options: "OPTIONS",
  http: "HTTP OPTIONS",
  ssh: "SSH OPTIONS",
  tls: "TLS OPTIONS",
  happyEyeballs: "HAPPY EYEBALLS OPTIONS",
  dns: "DNS OPTIONS",
  network: "NETWORK OPTIONS",
  log: "LOG AND MONITORING OPTIONS",
  disk: "DISK OPTIONS",
  ocamlRuntime: "OCAML RUNTIME OPTIONS",
  common: "COMMON OPTIONS",
});

/**
 * The order of the argument sections in `--help` (Mirage's `with_argv ~sections`). Sections not
 * listed here follow, in the order their first argument was registered, then COMMON OPTIONS (which
 * holds `--help`, `--version`, `--delay` and `--name`).
 *
 * @public
 */
export const manSectionOrder: readonly string[] = Object.freeze([
  sections.arguments,
  sections.options,
  sections.http,
  sections.ssh,
  sections.tls,
  sections.happyEyeballs,
  sections.dns,
  sections.network,
  sections.log,
  sections.disk,
  sections.ocamlRuntime,
]);

/**
 * The names and documentation of a run-time argument.
 *
 * @public
 */
export interface ArgInfo {
  /** Option names without dashes: one letter is a short option (`-l`), longer is long (`--logs`). */
  readonly names: readonly string[];
  /** One or more sentences for `--help`. */
  readonly doc: string;
  /** The metavariable `--help` shows for the value; the converter's when absent. */
  readonly docv?: string;
  /** The `--help` section listing the argument. */
  readonly docs: string;
  /** An environment variable read when the option is absent from the command line. */
  readonly env?: string;
  /** Replaces the default value shown by `--help` with this text (`absent <text>`). */
  readonly absent?: string;
}

/**
 * The optional parts of an {@link ArgInfo}.
 *
 * @public
 */
export interface ArgInfoOptions {
  /** One or more sentences for `--help`; empty by default. */
  readonly doc?: string;
  /** The metavariable `--help` shows for the value. */
  readonly docv?: string;
  /** The `--help` section; OPTIONS by default. */
  readonly docs?: string;
  /** An environment variable read when the option is absent from the command line. */
  readonly env?: string;
  /** Replaces the default value shown by `--help`. */
  readonly absent?: string;
}

const validName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Names and documents a run-time argument.
 *
 * @example
 * ```ts
 * info(["l", "logs"], { docv: "LEVEL", docs: sections.log, doc: "Be more or less verbose." })
 * ```
 *
 * @throws TypeError if `names` is empty or a name is not letters, digits, `-`, `_` and `.` (without
 * leading dashes).
 * @public
 */
export function info(names: readonly string[], options: ArgInfoOptions = {}): ArgInfo {
  if (names.length === 0) throw new TypeError("A run-time argument needs at least one name");
  for (const name of names) {
    if (!validName.test(name)) {
      throw new TypeError(
        `Invalid run-time argument name ${JSON.stringify(name)}: ` +
          "use letters, digits, '-', '_' and '.', without leading dashes",
      );
    }
  }
  return {
    names: Object.freeze([...names]),
    doc: options.doc ?? "",
    docs: options.docs ?? sections.options,
    ...(options.docv === undefined ? {} : { docv: options.docv }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.absent === undefined ? {} : { absent: options.absent }),
  };
}
