/**
 * Identifier derivation shared by device variable names and run-time argument keys. It follows
 * upstream's `Misc.Name.ocamlify`, so `"Foo.Bar"` gives `Foo_Bar` and the names stay valid in
 * both OCaml and TypeScript.
 */

/** Keeps letters, digits and `_`; maps `-`, `.` and space to `_`; drops everything else. */
export function identify(source: string): string {
  let out = "";
  for (const char of source) {
    if (/^[A-Za-z0-9_]$/u.test(char)) out += char;
    else if (char === "-" || char === "." || char === " ") out += "_";
  }
  if (out === "" || /^[0-9]/u.test(out)) {
    throw new TypeError(
      `cannot derive an identifier from ${JSON.stringify(source)}: ` +
        'use letters, digits, "_", "-" or "." and do not start with a digit',
    );
  }
  return out;
}
