/**
 * A certificate chain and its key, read from a KV store as Mirage's `static_website_tls` reads
 * `tls/server.pem` and `tls/server.key`.
 *
 * @packageDocumentation
 */

import { Key, type KvRo, type MsgError, type Result, err, ok, ppKvError } from "@mirage-ts/mirage-types";

/**
 * A certificate chain and its private key, in PEM, with the store keys they came from (so an error
 * found later, when the platform parses them, names the file).
 *
 * @beta
 */
export interface TlsCredentials {
  readonly certificate: Uint8Array;
  readonly key: Uint8Array;
  /** Where the certificate came from (a store key or a file name). */
  readonly certificateSource: string;
  /** Where the key came from. */
  readonly keySource: string;
}

/**
 * The store keys of {@link readTlsCredentials}.
 *
 * @beta
 */
export interface TlsCredentialKeys {
  /** `server.pem` by default. */
  readonly certificate?: string;
  /** `server.key` by default. */
  readonly key?: string;
}

/** The bytes as text, one character per byte (PEM is ASCII). */
function ascii(bytes: Uint8Array): string {
  let text = "";
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  }
  return text;
}

function checkPem(bytes: Uint8Array, source: string, label: "CERTIFICATE" | "PRIVATE KEY"): MsgError | undefined {
  const text = ascii(bytes);
  const found =
    label === "CERTIFICATE"
      ? text.includes("-----BEGIN CERTIFICATE-----")
      : /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text);
  if (found) return undefined;
  const what = label === "CERTIFICATE" ? "certificate" : "private key";
  return { kind: "msg", message: `${source}: no PEM ${what} (expected a "-----BEGIN ${label}-----" block)` };
}

/**
 * Reads a certificate chain and its key from `kv`, checking each holds a PEM block of the right kind;
 * a missing key or a file of the wrong kind fails naming the store key.
 *
 * @beta
 */
export async function readTlsCredentials(
  kv: KvRo,
  keys: TlsCredentialKeys = {},
): Promise<Result<TlsCredentials, MsgError>> {
  const certificateSource = keys.certificate ?? "server.pem";
  const keySource = keys.key ?? "server.key";
  const certificate = await kv.get(Key.v(certificateSource));
  if (!certificate.ok) return err({ kind: "msg", message: `${certificateSource}: ${ppKvError(certificate.error)}` });
  const key = await kv.get(Key.v(keySource));
  if (!key.ok) return err({ kind: "msg", message: `${keySource}: ${ppKvError(key.error)}` });
  const bad =
    checkPem(certificate.value, certificateSource, "CERTIFICATE") ?? checkPem(key.value, keySource, "PRIVATE KEY");
  if (bad !== undefined) return err(bad);
  return ok({ certificate: certificate.value, key: key.value, certificateSource, keySource });
}
