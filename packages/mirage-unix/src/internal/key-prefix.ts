import type { Key } from "@mirage-ts/mirage-types";

/** Whether `prefix` is `key` or one of its ancestors (a rename into itself is refused). */
export function isPrefix(prefix: Key, key: Key): boolean {
  return (
    prefix.segments.length <= key.segments.length && prefix.segments.every((segment, i) => segment === key.segments[i])
  );
}
