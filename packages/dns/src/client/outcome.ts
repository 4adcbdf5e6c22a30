/**
 * What a response means for a question (RFC 1034 §5.3.3 for a stub, RFC 2308 for negative answers),
 * and whether a response answers the query that was sent at all (RFC 5452 §9.1).
 *
 * @packageDocumentation
 */

import type { Ipaddr } from "@mirage-ts/mirage-types";
import { Rcode } from "../wire/constants.js";
import type { Message, Question, ResourceRecord } from "../wire/message.js";
import { canonicalName } from "../wire/name.js";
import { rdataType } from "../wire/rdata.js";

/** CNAME hops followed inside one answer before giving up on a loop. */
const maxCnameHops = 16;

/** @beta The meaning of a response for the question asked. */
export type Outcome =
  | {
      readonly kind: "records";
      /** Records of the asked type at the end of the CNAME chain. */
      readonly records: readonly ResourceRecord[];
      /** The smallest TTL along the chain, in seconds. */
      readonly ttl: number;
    }
  /** The chain ends at `target` with nothing about it in the answer: ask again for `target`. */
  | { readonly kind: "cname"; readonly target: string; readonly ttl: number }
  | { readonly kind: "nxdomain"; readonly ttl: number }
  | { readonly kind: "nodata"; readonly ttl: number }
  | { readonly kind: "truncated" }
  | { readonly kind: "refused"; readonly rcode: number };

/** The negative-caching TTL of a response: min(SOA TTL, SOA MINIMUM), 0 without an SOA (RFC 2308 §5). */
function negativeTtl(response: Message): number {
  for (const record of response.authorities) {
    if (record.rdata.kind === "SOA") return Math.min(record.ttl, record.rdata.minimum);
  }
  return 0;
}

/**
 * Interprets a response already checked against its query.
 *
 * @beta
 */
export function interpret(question: Question, response: Message): Outcome {
  if (response.flags.tc) return { kind: "truncated" };
  if (response.rcode === Rcode.NXDOMAIN) return { kind: "nxdomain", ttl: negativeTtl(response) };
  if (response.rcode !== Rcode.NOERROR) return { kind: "refused", rcode: response.rcode };
  let name = canonicalName(question.name);
  let ttl = Number.POSITIVE_INFINITY;
  for (let hop = 0; hop <= maxCnameHops; hop++) {
    const here = response.answers.filter((record) => canonicalName(record.name) === name);
    const records = here.filter((record) => rdataType(record.rdata) === question.type);
    if (records.length > 0) {
      for (const record of records) ttl = Math.min(ttl, record.ttl);
      return { kind: "records", records, ttl };
    }
    const cname = here.find((record) => record.rdata.kind === "CNAME");
    if (cname === undefined || cname.rdata.kind !== "CNAME") break;
    ttl = Math.min(ttl, cname.ttl);
    const target = canonicalName(cname.rdata.target);
    if (!response.answers.some((record) => canonicalName(record.name) === target)) {
      return { kind: "cname", target, ttl };
    }
    name = target;
  }
  return { kind: "nodata", ttl: negativeTtl(response) };
}

/** @beta Why a received datagram or segment was not taken as the answer. */
export type Mismatch = "address" | "id" | "not_a_response" | "question";

/**
 * Checks that `response`, received from `from`:`port`, answers `query` sent to `server`:`serverPort`:
 * same address and port, same ID, QR set, and the question echoed byte for byte, name case included.
 *
 * @beta
 */
export function checkResponse(
  query: Message,
  server: Ipaddr,
  serverPort: number,
  response: Message,
  from: Ipaddr,
  port: number,
): Mismatch | undefined {
  if (!from.equals(server) || port !== serverPort) return "address";
  if (response.id !== query.id) return "id";
  if (!response.flags.qr) return "not_a_response";
  const asked = query.questions[0];
  const echoed = response.questions[0];
  if (response.questions.length !== 1 || asked === undefined || echoed === undefined) return "question";
  if (echoed.name !== asked.name || echoed.type !== asked.type || echoed.qclass !== asked.qclass) return "question";
  return undefined;
}
