/**
 * What an argument, when given, requires of the others' values (`--https-port` needs `--tls=true`):
 * the conditions Cmdliner expresses by combining terms. They are checked once the whole command line
 * parsed, so a refusal speaks of the final values.
 *
 * @packageDocumentation
 */

import type { Arg } from "@mirage-ts/cmdliner";

/** The refusal, or `undefined` when the requirement holds; `valueNamed` reads an argument by one of its names. */
export type Requirement = (valueNamed: (name: string) => unknown) => string | undefined;

const requirements = new WeakMap<Arg<unknown>, Requirement>();

/** Checks `requirement` whenever `arg` is given on the command line. */
export function requireWhenGiven(arg: Arg<unknown>, requirement: Requirement): void {
  requirements.set(arg, requirement);
}

/**
 * The first refusal among the requirements of the given arguments, or `undefined`.
 *
 * @param args - the registered arguments; `values` and `given` are theirs, in the same order
 */
export function unmetRequirement(
  args: readonly Arg<unknown>[],
  values: readonly unknown[],
  given: readonly boolean[],
): string | undefined {
  const valueNamed = (name: string): unknown => values[args.findIndex((arg) => arg.info.names.includes(name))];
  for (const [i, arg] of args.entries()) {
    const requirement = requirements.get(arg);
    if (requirement === undefined || given[i] !== true) continue;
    const refusal = requirement(valueNamed);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}
