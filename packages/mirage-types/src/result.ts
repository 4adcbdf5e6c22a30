/**
 * `Result`: the value-or-error outcome of every device operation, as OCaml's `result`.
 *
 * @packageDocumentation
 */

/**
 * A successful outcome carrying `value`.
 *
 * @public
 */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/**
 * A failed outcome carrying `error`.
 *
 * @public
 */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/**
 * The outcome of an operation that can fail without throwing: `Ok<T>` or `Err<E>`. Programming errors are
 * thrown instead (`TypeError`, `RangeError`).
 *
 * @public
 */
export type Result<T, E> = Ok<T> | Err<E>;

// One shared instance: `ok()` with no value is on every fast path (writes, sends).
const okUnit: Ok<void> = Object.freeze({ ok: true, value: undefined });

/**
 * Builds a successful result; `ok()` with no argument is the shared `Ok<void>`.
 *
 * @public
 */
export function ok(): Ok<void>;
/** @public */
export function ok<T>(value: T): Ok<T>;
export function ok<T>(...args: [] | [T]): Ok<T> | Ok<void> {
  return args.length === 0 ? okUnit : { ok: true, value: args[0] as T };
}

/**
 * Builds a failed result.
 *
 * @public
 */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/**
 * Applies `f` to the value of a successful result; errors pass through unchanged.
 *
 * @public
 */
export function mapResult<T, U, E>(result: Result<T, E>, f: (value: T) => U): Result<U, E> {
  return result.ok ? ok(f(result.value)) : result;
}

/**
 * Applies `f` to the error of a failed result; values pass through unchanged.
 *
 * @public
 */
export function mapError<T, E, F>(result: Result<T, E>, f: (error: E) => F): Result<T, F> {
  return result.ok ? result : err(f(result.error));
}

/**
 * Chains an operation that can fail after one that succeeded.
 *
 * @public
 */
export function andThen<T, U, E, F>(result: Result<T, E>, f: (value: T) => Result<U, F>): Result<U, E | F> {
  return result.ok ? f(result.value) : result;
}

/**
 * Returns the value of a successful result, or throws an `Error` whose message is the error printed
 * with `print` (one of the `pp*Error` printers). For tests and start-up code where failure is fatal.
 *
 * @public
 */
export function getOrThrow<T, E>(result: Result<T, E>, print: (error: E) => string): T {
  if (result.ok) return result.value;
  throw new Error(print(result.error));
}
