/**
 * A compiler diagnostic, whichever TypeScript produced it, printed the way esbuild and most
 * compilers print theirs: `config.ts:3:7: error TS2322: Type 'string' is not assignable…`.
 */

/** One diagnostic; `file` is relative to the current directory when it is inside it. */
export interface TsDiagnostic {
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly category: "error" | "warning" | "message";
  readonly code: number;
  /** The message, with its elaborations on the following lines, indented. */
  readonly message: string;
}

/** `file:line:column: error TScode: message` (or `error TScode: message` without a file). */
export function formatDiagnostic(d: TsDiagnostic): string {
  const where = d.file === undefined ? "" : `${d.file}:${d.line}:${d.column}: `;
  return `${where}${d.category} TS${d.code}: ${d.message}`;
}

/** The diagnostics in one block, a line each (and their elaborations), ending with a newline. */
export function formatDiagnostics(diagnostics: readonly TsDiagnostic[]): string {
  return diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join("");
}

const LOCATED = /^(.+)\((\d+),(\d+)\): (error|warning|message) TS(\d+): (.*)$/u;
const GLOBAL = /^(error|warning|message) TS(\d+): (.*)$/u;

/** Parses the output of `tsc --pretty false`: `file(line,col): error TS2322: …`, elaborations indented below. */
export function parseTscOutput(text: string): TsDiagnostic[] {
  const found: TsDiagnostic[] = [];
  for (const line of text.split(/\r?\n/u)) {
    const located = LOCATED.exec(line);
    const global = located === null ? GLOBAL.exec(line) : null;
    if (located !== null) {
      const [, file = "", row = "0", column = "0", category, code = "0", message = ""] = located;
      found.push({
        file,
        line: Number(row),
        column: Number(column),
        category: category as TsDiagnostic["category"],
        code: Number(code),
        message,
      });
    } else if (global !== null) {
      const [, category, code = "0", message = ""] = global;
      found.push({
        file: undefined,
        line: 0,
        column: 0,
        category: category as TsDiagnostic["category"],
        code: Number(code),
        message,
      });
    } else if (line.trim() !== "" && found.length > 0) {
      const last = found.pop() as TsDiagnostic;
      found.push({ ...last, message: `${last.message}\n${line}` });
    }
  }
  return found;
}
