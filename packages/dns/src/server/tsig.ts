/**
 * Transaction signatures (RFC 8945) with HMAC-SHA256 through WebCrypto: verifying a signed request,
 * signing its response, and signing every message of a multi-message transfer (§5.3.1).
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import { Rcode } from "../wire/constants.js";
import type { Message } from "../wire/message.js";
import { canonicalName } from "../wire/name.js";
import type { TsigRdata } from "../wire/rdata.js";
import { Writer } from "../wire/writer.js";
import { decodeBase64 } from "./base64.js";

/** The one algorithm supported: RFC 8945 §6 makes it mandatory. */
const algorithm = "hmac-sha256";

/** @beta A shared TSIG key. */
export interface TsigKey {
  /** The key's name (canonical). */
  readonly name: string;
  readonly secret: Uint8Array;
}

/**
 * HMAC-SHA256 of `data` under `secret`. The default uses `globalThis.crypto.subtle` (Node 20, browsers,
 * Deno, Workers).
 *
 * @beta
 */
export type Hmac = (secret: Uint8Array, data: Uint8Array) => Promise<Uint8Array>;

interface SubtleHmac {
  importKey(format: "raw", key: Uint8Array, algo: object, extractable: boolean, usages: string[]): Promise<unknown>;
  sign(algo: "HMAC", key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * HMAC-SHA256 through WebCrypto.
 *
 * @beta
 */
export const webCryptoHmac: Hmac = async (secret, data) => {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleHmac } }).crypto?.subtle;
  if (subtle === undefined) throw new Error("TSIG needs WebCrypto (globalThis.crypto.subtle), absent on this platform");
  const key = await subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", key, data));
};

/**
 * Parses a key as `[hmac-sha256:]name:base64-secret` (the form of `dig -y` and `kdig -y`).
 *
 * @beta
 */
export function parseTsigKey(text: string): Result<TsigKey, string> {
  const parts = text.split(":");
  const usage = 'expected "[hmac-sha256:]name:base64-secret"';
  if (parts.length === 3 && (parts[0] as string).toLowerCase() !== algorithm) {
    return err(`TSIG key algorithm "${parts[0]}" is not supported (only ${algorithm}); ${usage}`);
  }
  if (parts.length < 2 || parts.length > 3) return err(`TSIG key "${text}": ${usage}`);
  const [name, secret] = parts.slice(-2) as [string, string];
  const bytes = decodeBase64(secret);
  if (bytes === undefined || bytes.length === 0) return err(`TSIG key "${name}": the secret is not base64; ${usage}`);
  return ok({ name: canonicalName(name), secret: bytes });
}

/** The TSIG variables of RFC 8945 §4.3.3 (all of them, or the timers only). */
function variables(writer: Writer, keyName: string, tsig: TsigRdata, timersOnly: boolean): void {
  if (!timersOnly) {
    writer.name(canonicalName(keyName), false);
    writer.u16(255);
    writer.u32(0);
    writer.name(canonicalName(tsig.algorithm), false);
  }
  writer.u16(Math.floor(tsig.timeSigned / 2 ** 32));
  writer.u32(tsig.timeSigned % 2 ** 32);
  writer.u16(tsig.fudge);
  if (!timersOnly) {
    writer.u16(tsig.error);
    writer.u16(tsig.otherData.length);
    writer.raw(tsig.otherData);
  }
}

function withMac(writer: Writer, mac: Uint8Array | undefined): void {
  if (mac === undefined) return;
  writer.u16(mac.length);
  writer.raw(mac);
}

/** @beta The verdict on a signed request: the key and MAC to sign the response with, or the TSIG error. */
export type TsigVerdict =
  | { readonly ok: true; readonly key: TsigKey; readonly mac: Uint8Array }
  | { readonly ok: false; readonly error: number; readonly keyName: string; readonly timeSigned: number };

/**
 * Verifies the TSIG of a decoded request against its bytes: known key (BADKEY), MAC (BADSIG), and
 * time within the fudge (BADTIME).
 *
 * @param nowSeconds - wall-clock seconds since the epoch.
 * @beta
 */
export async function verifyRequest(
  bytes: Uint8Array,
  message: Message,
  keys: readonly TsigKey[],
  nowSeconds: number,
  hmac: Hmac,
): Promise<TsigVerdict | undefined> {
  const tsig = message.tsig;
  if (tsig === undefined) return undefined;
  const keyName = canonicalName(tsig.name);
  const fail = (error: number): TsigVerdict => ({ ok: false, error, keyName, timeSigned: tsig.rdata.timeSigned });
  const key = keys.find((k) => k.name === keyName);
  if (key === undefined || canonicalName(tsig.rdata.algorithm) !== algorithm) return fail(Rcode.BADKEY);
  const writer = new Writer();
  const head = bytes.slice(0, tsig.offset);
  head[0] = tsig.rdata.originalId >> 8;
  head[1] = tsig.rdata.originalId & 0xff;
  const arcount = (((head[10] as number) << 8) | (head[11] as number)) - 1;
  head[10] = arcount >> 8;
  head[11] = arcount & 0xff;
  writer.raw(head);
  variables(writer, keyName, tsig.rdata, false);
  const expected = await hmac(key.secret, writer.finish());
  if (!equal(expected, tsig.rdata.mac)) return fail(Rcode.BADSIG);
  if (Math.abs(nowSeconds - tsig.rdata.timeSigned) > tsig.rdata.fudge) return fail(Rcode.BADTIME);
  return { ok: true, key, mac: tsig.rdata.mac };
}

/**
 * Signs one response message (encoded without its TSIG). `priorMac` is the request's MAC for the first
 * message and the previous message's MAC after it; `timersOnly` for every message after the first.
 *
 * @beta
 */
export async function signResponse(
  unsigned: Uint8Array,
  id: number,
  key: TsigKey,
  priorMac: Uint8Array | undefined,
  nowSeconds: number,
  timersOnly: boolean,
  hmac: Hmac,
): Promise<TsigRdata> {
  const base = { kind: "TSIG" as const, algorithm, timeSigned: Math.floor(nowSeconds), fudge: 300, originalId: id };
  const draft: TsigRdata = { ...base, mac: new Uint8Array(0), error: 0, otherData: new Uint8Array(0) };
  const writer = new Writer();
  withMac(writer, priorMac);
  writer.raw(unsigned);
  variables(writer, key.name, draft, timersOnly);
  return { ...draft, mac: await hmac(key.secret, writer.finish()) };
}

/**
 * Signs a request (what a client such as a secondary sends), for tests and for NOTIFY.
 *
 * @beta
 */
export async function signRequest(unsigned: Uint8Array, id: number, key: TsigKey, nowSeconds: number, hmac: Hmac) {
  return signResponse(unsigned, id, key, undefined, nowSeconds, false, hmac);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
