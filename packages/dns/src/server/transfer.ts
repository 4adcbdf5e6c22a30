/**
 * Zone transfer (AXFR, RFC 5936): the zone's records between two copies of its SOA, packed into
 * messages of at most 16 KiB so each fits a TCP frame with room to spare.
 *
 * @packageDocumentation
 */

import { RrType } from "../wire/constants.js";
import { type Message, type ResourceRecord, encodeMessage } from "../wire/message.js";
import { rdataType } from "../wire/rdata.js";
import type { Zone } from "./zone.js";

const targetSize = 16_384;

/** The records of a transfer in order: SOA, every other record, SOA. */
export function transferRecords(zone: Zone): ResourceRecord[] {
  const body = zone.records.filter((record) => rdataType(record.rdata) !== RrType.SOA);
  return [zone.soa, ...body, zone.soa];
}

/**
 * Splits the transfer into response messages built from `template` (ID, flags, question on the
 * first only, as RFC 5936 §2.2 allows).
 */
export function transferMessages(zone: Zone, template: Message): Message[] {
  const records = transferRecords(zone);
  const messages: Message[] = [];
  let start = 0;
  let chunk = 64;
  while (start < records.length) {
    const answers = records.slice(start, start + chunk);
    const message: Message = { ...template, questions: messages.length === 0 ? template.questions : [], answers };
    const size = encodeMessage(message).length;
    if (size > targetSize && answers.length > 1) {
      chunk = Math.max(1, answers.length >> 1);
      continue;
    }
    messages.push(message);
    start += answers.length;
    if (size < targetSize / 2) chunk *= 2;
  }
  return messages;
}
