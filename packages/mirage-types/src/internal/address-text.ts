/**
 * Pieces shared by the address parsers: the error they throw, strict decimal and hex digits, prefix text
 * and lengths.
 */

/**
 * The `TypeError` every address parser throws, `invalid <what> "<text>": <reason>`. The input is quoted
 * as JSON so that spaces and control characters in it stay visible.
 */
export function invalidText(what: string, text: string, reason: string): TypeError {
  return new TypeError(`invalid ${what} ${JSON.stringify(text)}: ${reason}`);
}

/**
 * What a parser that returns its value or why `text` is not one returned, when it is the value.
 *
 * @throws TypeError `invalid <what> "<text>": <reason>` when it is the reason.
 */
export function parsedOrThrow<T extends number | readonly number[]>(what: string, text: string, parsed: T | string): T {
  if (typeof parsed === "string") throw invalidText(what, text, parsed);
  return parsed;
}

/**
 * Reads an unsigned decimal number of at most `max`, or returns why `text` is not one. Leading zeros are
 * refused ("0" itself is fine) because "010" reads as octal in other tools; ocaml-ipaddr refuses it too.
 */
export function parseDecimal(text: string, max: number): number | string {
  if (text.length === 0) return "is empty";
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return "is not a decimal number";
    value = value * 10 + digit;
  }
  if (text.length > 1 && text.charCodeAt(0) === 48) return "has a leading zero (octal or decimal?)";
  if (value > max) return `is greater than ${max}`;
  return value;
}

/**
 * Parses prefix text `"<address>/<length>"` with `parseAddress` (which returns the address or why it is
 * not one) and a length of at most `maxBits`.
 *
 * @throws TypeError `invalid <what> "<text>": <reason>` if `text` is not such a prefix.
 */
export function parsePrefix<A extends number | readonly number[]>(
  what: string,
  text: string,
  parseAddress: (text: string) => A | string,
  maxBits: number,
): { readonly address: A; readonly bits: number } {
  const slash = text.indexOf("/");
  if (slash < 0) throw invalidText(what, text, 'expected an address, "/" and a prefix length');
  if (text.indexOf("/", slash + 1) >= 0) throw invalidText(what, text, 'more than one "/"');
  const addressText = text.slice(0, slash);
  const address = parseAddress(addressText);
  if (typeof address === "string") throw invalidText(what, text, `address ${JSON.stringify(addressText)}: ${address}`);
  const bits = parseDecimal(text.slice(slash + 1), maxBits);
  if (typeof bits === "string") throw invalidText(what, text, `prefix length ${bits}`);
  return { address, bits };
}

/**
 * `bits`, checked to be a prefix length of a `family` address of `maxBits` bits.
 *
 * @throws RangeError `invalid <family> prefix length <bits>` unless it is an integer from 0 to `maxBits`.
 */
export function checkPrefixLength(family: string, bits: number, maxBits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > maxBits) {
    throw new RangeError(`invalid ${family} prefix length ${bits}: must be an integer from 0 to ${maxBits}`);
  }
  return bits;
}

/** The value of the hex digit with character code `code` (either case), or -1. */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}
