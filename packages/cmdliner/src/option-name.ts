/**
 * How an argument name is written on the command line.
 *
 * @packageDocumentation
 */

/**
 * `-l` for a one-letter name, `--logs` for a longer one.
 *
 * @beta
 */
export function optionName(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}
