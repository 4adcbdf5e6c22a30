/**
 * The import list of a generated file: each requested export gets one local binding, renamed when
 * its name is taken, and module paths relative to the configuration file are rebased onto the
 * generated directory.
 */

import { join } from "../io/path.js";

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof let new null return super switch this throw true try typeof var void while " +
    "with yield await implements interface package private protected public static"
  ).split(" "),
);

/** Rebases a specifier relative to the configuration directory onto its `<tool>/` subdirectory. */
function relocate(specifier: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  const rebased = join("..", specifier);
  return rebased.startsWith(".") ? rebased : `./${rebased}`;
}

export class ImportTable {
  private readonly locals = new Map<string, string>();
  private readonly byModule = new Map<string, Map<string, string>>();

  constructor(private readonly taken: Set<string>) {}

  /** The expression for `name` (possibly dotted) exported by `module`. */
  value(module: string, name: string): string {
    const [root = "", ...rest] = name.split(".");
    if (!/^[A-Za-z_$][\w$]*$/u.test(root)) {
      throw new TypeError(
        `cannot import ${JSON.stringify(name)} from ${JSON.stringify(module)}: ` +
          `${JSON.stringify(root)} is not an identifier`,
      );
    }
    const specifier = relocate(module);
    const id = `${specifier}\u0000${root}`;
    let local = this.locals.get(id);
    if (local === undefined) {
      local = root;
      for (let n = 1; RESERVED.has(local) || this.taken.has(local); n++) local = `${root}_${n}`;
      this.taken.add(local);
      this.locals.set(id, local);
      const names = this.byModule.get(specifier) ?? new Map<string, string>();
      names.set(root, local);
      this.byModule.set(specifier, names);
    }
    return [local, ...rest].join(".");
  }

  /** The import declarations: packages, then local modules, each sorted. */
  render(): string {
    const order = (s: string): string => `${s.startsWith(".") ? 1 : 0}${s}`;
    return [...this.byModule.keys()]
      .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
      .map((specifier) => {
        const names = [...(this.byModule.get(specifier) ?? new Map<string, string>())]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([root, local]) => (root === local ? root : `${root} as ${local}`));
        return `import { ${names.join(", ")} } from ${JSON.stringify(specifier)};\n`;
      })
      .join("");
  }
}
