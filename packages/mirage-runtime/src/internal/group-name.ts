/** An argument's name within a group: `ipv4` in group `data` is `data-ipv4`, so two devices take separate ones. */
export function groupName(name: string, group: string | undefined): string {
  return group === undefined || group === "" ? name : `${group}-${name}`;
}
