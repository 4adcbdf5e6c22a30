/**
 * DNS over TCP framing: each message preceded by its 16-bit length (RFC 1035 §4.2.2, RFC 7766).
 *
 * @packageDocumentation
 */

/**
 * Prefixes a message with its length.
 *
 * @beta
 */
export function frame(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff) throw new RangeError(`DNS message of ${message.length} bytes (at most 65535)`);
  const framed = new Uint8Array(message.length + 2);
  framed[0] = message.length >> 8;
  framed[1] = message.length & 0xff;
  framed.set(message, 2);
  return framed;
}

/**
 * Splits a TCP byte stream into DNS messages, each preceded by its 16-bit length (RFC 1035 §4.2.2).
 *
 * @beta
 */
export class LengthPrefixedReader {
  private pending = new Uint8Array(0);

  /** Adds received bytes; returns the messages now complete, in order. */
  push(data: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + data.length);
    joined.set(this.pending);
    joined.set(data, this.pending.length);
    const messages: Uint8Array[] = [];
    let at = 0;
    while (at + 2 <= joined.length) {
      const length = ((joined[at] as number) << 8) | (joined[at + 1] as number);
      if (at + 2 + length > joined.length) break;
      messages.push(joined.slice(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.pending = joined.slice(at);
    return messages;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.pending.length;
  }
}
