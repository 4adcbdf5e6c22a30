/**
 * Why a DNS message could not be decoded.
 *
 * @packageDocumentation
 */

/**
 * Kinds of decode failure. Each is counted separately by the resolver and the server.
 *
 * @beta
 */
export type DnsDecodeErrorKind =
  | "truncated"
  | "count_past_data"
  | "pointer_forward"
  | "pointer_loop"
  | "name_too_long"
  | "label_type"
  | "bad_rdata"
  | "multiple_opt"
  | "opt_misplaced"
  | "tsig_misplaced";

/**
 * A decode failure: its kind, the byte offset where it was found and a sentence for logs.
 *
 * @beta
 */
export interface DnsDecodeError {
  readonly kind: DnsDecodeErrorKind;
  readonly offset: number;
  readonly message: string;
}

/**
 * Prints a decode error as one line.
 *
 * @beta
 */
export function ppDnsDecodeError(error: DnsDecodeError): string {
  return `malformed DNS message (${error.kind}) at byte ${error.offset}: ${error.message}`;
}

/** Thrown inside the decoder only, caught at its entry and turned into a `DnsDecodeError` result. */
export class DecodeFailure {
  constructor(
    readonly kind: DnsDecodeErrorKind,
    readonly offset: number,
    readonly message: string,
  ) {}
}

/**
 * Counts of malformed messages by kind, kept by the resolver and the server for their `stats()`.
 *
 * @beta
 */
export class DecodeErrorCounts {
  private readonly counts = new Map<DnsDecodeErrorKind, number>();

  /** Counts one error. */
  record(error: DnsDecodeError): void {
    this.counts.set(error.kind, (this.counts.get(error.kind) ?? 0) + 1);
  }

  /** Every error counted so far. */
  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** The counts by kind (kinds never seen are absent). */
  byKind(): Partial<Record<DnsDecodeErrorKind, number>> {
    return Object.fromEntries(this.counts);
  }
}
