/**
 * `Key`: the structured keys of key-value stores (`Mirage_kv.Key.t`), a path of segments.
 *
 * @packageDocumentation
 */
import { ocamlEscaped } from "./internal/ocaml-escaped.js";
import { compareNumbers, compareStrings } from "./internal/order.js";

/**
 * A key of a key-value store: a list of segments naming nested dictionaries, written `/a/b`. The
 * empty key is the top-level dictionary. Keys are immutable; every operation returns a new key.
 *
 * @public
 */
export class Key {
  /** The empty key `/`, the top-level dictionary. */
  static readonly empty: Key = new Key([]);

  /** The segments from the top down: `["a", "b"]` for `/a/b`. The array is frozen. */
  readonly segments: readonly string[];

  private constructor(segments: readonly string[]) {
    this.segments = Object.freeze(segments);
  }

  /**
   * The key written `path`, split at every `/`. Empty segments are dropped, so leading, trailing and
   * repeated slashes do not matter: `v("/a//b/")`, `v("a/b")` and `v("/a/b")` are all `/a/b`.
   */
  static v(path: string): Key {
    return new Key(path.split("/").filter((segment) => segment !== ""));
  }

  /**
   * The key `this/segment`. Like upstream, only `/` is refused: `add("")` does add an empty segment.
   *
   * @throws TypeError `"x/y" is not a valid segment` (upstream's `Invalid_argument`) if `segment`
   * contains `/`.
   */
  add(segment: string): Key {
    if (segment.includes("/")) throw new TypeError(`"${ocamlEscaped(segment)}" is not a valid segment`);
    return new Key([...this.segments, segment]);
  }

  /** The key `this/other`: the segments of `this`, then those of `other`. */
  append(other: Key): Key {
    return new Key([...this.segments, ...other.segments]);
  }

  /** The last segment, or `""` for the empty key. */
  basename(): string {
    return this.segments[this.segments.length - 1] ?? "";
  }

  /** The key without its last segment; the parent of the empty key is the empty key. */
  parent(): Key {
    return this.segments.length === 0 ? this : new Key(this.segments.slice(0, -1));
  }

  /**
   * Orders keys segment by segment from the top, a key before the keys below it, and segments by code
   * point (the order of their UTF-8 bytes): negative, zero or positive as this key sorts before, with or
   * after `other`.
   */
  compare(other: Key): number {
    const length = Math.min(this.segments.length, other.segments.length);
    for (let i = 0; i < length; i++) {
      const order = compareStrings(this.segments[i] as string, other.segments[i] as string);
      if (order !== 0) return order;
    }
    return compareNumbers(this.segments.length, other.segments.length);
  }

  /** Whether `other` has the same segments. */
  equals(other: Key): boolean {
    return this.segments.length === other.segments.length && this.isPrefixOf(other);
  }

  /**
   * Whether this key is `other` or one of its ancestors (`/a` of `/a/b`, not of `/ab`).
   *
   * @beta
   */
  isPrefixOf(other: Key): boolean {
    return this.segments.length <= other.segments.length && this.segments.every((s, i) => s === other.segments[i]);
  }

  /** The key as a path that always starts with `/`: `"/a/b"`, and `"/"` for the empty key. */
  toString(): string {
    return `/${this.segments.join("/")}`;
  }

  /**
   * The key as error messages print it (`Mirage_kv.Key.pp`): {@link Key.toString} with OCaml's
   * `String.escaped` applied, so control characters, quotes and non-ASCII bytes show as escapes
   * (`/a\tb`, `/caf\195\169`).
   */
  pp(): string {
    return ocamlEscaped(this.toString());
  }
}
