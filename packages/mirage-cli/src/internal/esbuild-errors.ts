/**
 * esbuild's errors in one line each, as compilers print them: `file:line:column: message`.
 */

import type { Message } from "esbuild";

/** The errors of a failed esbuild build, or `undefined` if `error` is not one. */
export function esbuildErrors(error: unknown): string | undefined {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return undefined;
  return (errors as Message[])
    .map((m) =>
      m.location === null
        ? `error: ${m.text}`
        : `${m.location.file}:${m.location.line}:${m.location.column}: error: ${m.text}`,
    )
    .join("\n");
}
