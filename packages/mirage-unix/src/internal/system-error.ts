/**
 * Reading Node's system errors.
 *
 * @packageDocumentation
 */

import { getSystemErrorMap } from "node:util";

/** The system error code of a Node error (`ENOENT`, `ECONNREFUSED`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The system's short text for a Node system error (`permission denied`), else its message. */
export function systemReason(error: unknown): string {
  const errno = error instanceof Error && "errno" in error && typeof error.errno === "number" ? error.errno : undefined;
  const text = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  return text ?? (error instanceof Error ? error.message : String(error));
}

/** The name and text of a positive errno (`EAGAIN`, `resource temporarily unavailable`). */
export function errnoName(errno: number): readonly [string, string] {
  return getSystemErrorMap().get(-errno) ?? [`errno ${errno}`, "unknown error"];
}
