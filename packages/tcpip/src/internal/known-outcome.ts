/**
 * A layer's `write` maps the promise of the layer below to its own. A device or layer that completes
 * writes synchronously returns one shared settled promise for every successful write (vnetif's `OK`,
 * and then each layer above through this class): once that promise was seen to resolve to a success,
 * its outcome is known whenever it is returned again (a settled promise never changes), so the mapping
 * runs at once and the promise it gave the first time is returned again. A segment then costs no
 * promise, reaction or microtask per layer on its way down. Any other promise is mapped with `then`.
 *
 * @packageDocumentation
 */

import type { Result } from "@mirage-ts/mirage-types";

/** Maps the write results of one lower layer, remembering the last promise seen to resolve to a success. */
export class KnownOutcome<E, F> {
  #promise: Promise<Result<void, E>> | undefined;
  #result: Result<void, E> | undefined;
  #mapped: Promise<Result<void, F>> | undefined;

  /**
   * `written.then((result) => map(result, context), onRejected)`, or, for the promise last seen to
   * resolve to a success, `map` of that success called now and the promise it gave then. `map` may
   * count (it runs once per call) and must return a success as it is: only then is the promise
   * remembered. `context` spares the caller a closure per write.
   */
  map<C>(
    written: Promise<Result<void, E>>,
    map: (result: Result<void, E>, context: C) => Result<void, F>,
    context: C,
    onRejected?: (reason: unknown) => Result<void, F>,
  ): Promise<Result<void, F>> {
    if (written === this.#promise) {
      map(this.#result!, context);
      return this.#mapped!;
    }
    const mapped: Promise<Result<void, F>> = written.then((result) => {
      const out = map(result, context);
      if (result.ok && (out as unknown) === result) {
        this.#promise = written;
        this.#result = result;
        this.#mapped = mapped;
      }
      return out;
    }, onRejected);
    return mapped;
  }
}
