/**
 * The `@mirage-ts/mirage-types` package: see its README.
 *
 * @packageDocumentation
 */

/**
 * The npm name of this package, for diagnostics.
 *
 * @public
 */
export const packageName = "@mirage-ts/mirage-types";
