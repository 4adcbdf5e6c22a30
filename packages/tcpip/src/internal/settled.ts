/**
 * Shared settled promises for the per-packet paths. The mirage-types signatures return promises, but
 * most packets are handled synchronously: returning one shared settled promise instead of an `async`
 * function's allocates nothing per packet and adds no microtask hops (an `async` function returning
 * another layer's promise costs three).
 */

import { type Result, ok } from "@mirage-ts/mirage-types";

/** A settled `Promise<void>`. */
export const DONE: Promise<void> = Promise.resolve();

/** A settled successful result. */
export const OK: Promise<Result<void, never>> = Promise.resolve(ok());

/** What a handler returned, as the promise an `input` method returns. */
export function settled(result: void | Promise<void>): Promise<void> {
  return result instanceof Promise ? result : DONE;
}
