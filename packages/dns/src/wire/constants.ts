/**
 * The numbers of the DNS wire format (RFC 1035 §3.2, the IANA registries) that this package names.
 *
 * @packageDocumentation
 */

/**
 * Resource-record types this package decodes into fields; any other type is kept opaque (RFC 3597).
 *
 * @beta
 */
export const RrType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const;

/**
 * A resource-record type number (0..65535).
 *
 * @beta
 */
export type RrTypeNumber = number;

/**
 * Classes: IN (1), and the pseudo-classes NONE (254) and ANY (255) used by TSIG and updates.
 *
 * @beta
 */
export const RrClass = { IN: 1, CH: 3, NONE: 254, ANY: 255 } as const;

/**
 * Opcodes (RFC 1035 §4.1.1, RFC 1996).
 *
 * @beta
 */
export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/**
 * Response codes, including the extended ones carried by OPT and TSIG (RFC 6891, RFC 8945).
 *
 * @beta
 */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  NOTAUTH: 9,
  BADVERS: 16,
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
} as const;

/** The mnemonic of every type named in {@link RrType}, by number. */
const typeNames = new Map<number, string>(Object.entries(RrType).map(([name, value]) => [value, name]));

/**
 * The mnemonic of a type (`"AAAA"`), or `TYPE<n>` for others (RFC 3597 §5).
 *
 * @beta
 */
export function rrTypeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/**
 * The number of a type mnemonic or `TYPE<n>` form, case-insensitively; `undefined` for an unknown name.
 *
 * @beta
 */
export function parseRrType(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = (RrType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (generic === null) return undefined;
  const value = Number(generic[1]);
  return value <= 0xffff ? value : undefined;
}
