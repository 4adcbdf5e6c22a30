/**
 * Errors of the directory-backed key-value stores: mirage-kv-unix's `storage error for <key>: <reason>`
 * for everything the file system says, `not_found` for a missing file or directory.
 *
 * @packageDocumentation
 */

import type { Key, KvError, MsgError } from "@mirage-ts/mirage-types";
import { errorCode, systemReason } from "./system-error.js";

/** mirage-kv-unix's `Storage_error`, printed as upstream prints it. */
export function storageError(key: Key, reason: string): MsgError {
  return { kind: "msg", message: `storage error for ${key.pp()}: ${reason}` };
}

/** A file-system failure as a storage error, with the system's text for the error (`permission denied`). */
export function systemError(key: Key, error: unknown): MsgError {
  return storageError(key, systemReason(error));
}

/** The errors the read operations give for a failed file-system call on `key`. */
export function readFailure(key: Key, error: unknown): KvError {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR" ? { kind: "not_found", key } : systemError(key, error);
}
