/**
 * Applications (upstream `register`): a name, the jobs to run and the init jobs to run first,
 * wrapped into the builder's top-level job. The check that every job has arguments happens here,
 * as in upstream's `register`.
 *
 * @packageDocumentation
 */

import type { Builder } from "../engine/builder.js";
import { asNode, hasNoArguments } from "../graph/node.js";
import { type Impl, dep, impl } from "./impl.js";
import type { AnyKey } from "./key.js";
import type { Package } from "./package.js";
import { type Job, job } from "./typ.js";

/**
 * Options of {@link defineApp}.
 *
 * @public
 */
export interface AppOptions {
  /** Jobs connected first, in this order (upstream `?init`; Mirage's argv, reporter, ...). */
  readonly init?: readonly Impl<Job>[] | undefined;
  /** Extra packages. */
  readonly packages?: readonly Package[] | undefined;
  /** Extra keys (shown and accepted even if no device reads them). */
  readonly keys?: readonly AnyKey[] | undefined;
}

/**
 * A registered application.
 *
 * @public
 */
export interface App {
  /** The application name. */
  readonly name: string;
  /** The builder it was registered with. */
  readonly builder: Builder;
  /** The init jobs. */
  readonly init: readonly Impl<Job>[];
  /** The jobs. */
  readonly jobs: readonly Impl<Job>[];
  /** The top-level job: `builder.create([...init, ...jobs])`. */
  readonly top: Impl<Job>;
  /** Extra packages. */
  readonly packages: readonly Package[];
  /** Extra keys. */
  readonly keys: readonly AnyKey[];
}

/**
 * The message of the "job without arguments" error, adapted from upstream's (which names
 * `config.ml` and OCaml syntax).
 *
 * @public
 */
// One literal continued with `\` at the line ends (which adds nothing to the value), not a concatenation: the
// export keeps its literal type.
export const JOB_WITHOUT_ARGUMENTS =
  'Your configuration includes a job without arguments. Please add a dependency in your config.ts: use \
`const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(job, job) }); \
register("hello", [hello.$(noop)])` instead of `.. job .. [hello]`.';

function defaultCreate(builder: Builder): (jobs: readonly Impl<Job>[]) => Impl<Job> {
  return (jobs) =>
    impl({
      name: "Jobs",
      type: job,
      keys: builder.keys,
      packages: builder.packages,
      extraDeps: jobs.map(dep),
      connect: () => "undefined",
    });
}

/**
 * Registers an application with a builder (upstream `Lib.Make(B).register`).
 *
 * @throws `TypeError` {@link JOB_WITHOUT_ARGUMENTS} when a job is a device without arguments,
 * dependencies or run-time arguments (other than `noop`).
 * @public
 */
export function defineApp(builder: Builder, name: string, jobs: readonly Impl<Job>[], options: AppOptions = {}): App {
  if (name === "") throw new TypeError("the application name cannot be the empty string");
  if (jobs.some((j) => hasNoArguments(asNode(j)))) throw new TypeError(JOB_WITHOUT_ARGUMENTS);
  const init = options.init ?? [];
  const create = builder.create ?? defaultCreate(builder);
  return {
    name,
    builder,
    init,
    jobs,
    top: create([...init, ...jobs]),
    packages: options.packages ?? [],
    keys: options.keys ?? [],
  };
}
