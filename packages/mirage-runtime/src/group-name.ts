/**
 * How a group prefixes an argument's name, so that two devices of the same kind take separate ones.
 *
 * @packageDocumentation
 */

/**
 * An argument's name within a group: `ipv4` in group `data` is `data-ipv4`; without a group (or with
 * an empty one) the name itself.
 *
 * @beta
 */
export function groupName(name: string, group: string | undefined): string {
  return group === undefined || group === "" ? name : `${group}-${name}`;
}
