/**
 * The main loop's iterations on Node: every platform event (a timer firing, a frame arriving, console
 * input, socket activity) is dispatched through {@link dispatch}, which runs the enter-iteration hooks
 * before the first event of a turn of Node's event loop and the leave-iteration hooks from
 * `setImmediate`, in the check phase that closes the turn, after the microtasks the events queued.
 *
 * @packageDocumentation
 */

import { iterations } from "@mirage-ts/mirage-runtime";

const nodeIterations = iterations(setImmediate);

/** Installs the hooks run around iterations (by `Main.run`); `undefined` dispatches without hooks. */
export const setIterationHooks = nodeIterations.setHooks;

/** Runs `handler(value)` as (part of) an iteration. */
export const dispatch = nodeIterations.dispatch;
