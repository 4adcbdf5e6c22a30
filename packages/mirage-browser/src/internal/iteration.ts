/**
 * The main loop's iterations in a page: every platform event (a timer firing, a frame arriving) is
 * dispatched through {@link dispatch}, which runs the enter-iteration hooks before the first event of
 * a task and the leave-iteration hooks in a task queued right after it, once that event's promise
 * continuations have run, as Lwt's main loop does around `Lwt_engine.iter`.
 *
 * @packageDocumentation
 */

import { iterations } from "@mirage-ts/mirage-runtime";

// A MessageChannel message is the page's cheapest next task: setTimeout(0) is clamped to 4 ms once
// nested, and a microtask would run before the continuations the event queued.
const pending: (() => void)[] = [];
let channel: MessageChannel | undefined;

/** Runs `task` in a task of its own, queued now (the browser's `setImmediate`). */
export function nextTask(task: () => void): void {
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => pending.shift()?.();
  }
  pending.push(task);
  channel.port2.postMessage(undefined);
}

const pageIterations = iterations(nextTask);

/** Installs the hooks run around iterations (by `Main.run`); `undefined` dispatches without hooks. */
export const setIterationHooks = pageIterations.setHooks;

/** Runs `handler(value)` as (part of) an iteration. */
export const dispatch = pageIterations.dispatch;
