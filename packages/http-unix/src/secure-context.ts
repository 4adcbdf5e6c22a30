/**
 * OpenSSL contexts from mirage credentials, failing with the file named.
 *
 * @packageDocumentation
 */

import { X509Certificate, constants, createPrivateKey } from "node:crypto";
import { type SecureContext, createSecureContext } from "node:tls";
import { type MsgError, type Result, err, ok } from "@mirage-ts/mirage-types";
import type { TlsCredentials } from "@mirage-ts/tls";

/**
 * What every server context offers, beyond OpenSSL's defaults (which still include CBC suites with
 * SHA-1 and let the client pick): forward-secret AEAD suites only (TLS 1.3's three, and ECDHE with
 * AES-GCM or ChaCha20-Poly1305 for TLS 1.2), in the server's order, on X25519 and the NIST curves.
 * No renegotiation: a client-initiated one costs the server a handshake for a few bytes (a DoS lever
 * testssl.sh flags HIGH), and Node's own limit (3 in 10 minutes) acts late on a loaded machine.
 * testssl.sh then flags nothing (see the static-website-tls test).
 */
export const tlsDefaults = {
  ciphers: [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
  ].join(":"),
  honorCipherOrder: true,
  ecdhCurve: "X25519:P-256:P-384",
  secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
} as const;

/** A context and the names its certificate covers (for SNI). */
export interface NamedContext {
  readonly context: SecureContext;
  readonly names: readonly string[];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The DNS names of a certificate (subjectAltName, else the subject's CN). */
function certificateNames(certificate: X509Certificate): string[] {
  const alt = certificate.subjectAltName;
  if (alt !== undefined) {
    return alt
      .split(/,\s*/)
      .filter((entry) => entry.startsWith("DNS:"))
      .map((entry) => entry.slice(4).toLowerCase());
  }
  const cn = /CN=([^\n]+)/.exec(certificate.subject)?.[1];
  return cn === undefined ? [] : [cn.toLowerCase()];
}

/**
 * Parses `credentials` into an OpenSSL context: a certificate or key that does not parse, or a key
 * that does not match the certificate, fails with the source named and the reason.
 */
export function secureContextOf(
  credentials: TlsCredentials,
  minVersion: "TLSv1.2" | "TLSv1.3" = "TLSv1.2",
): Result<NamedContext, MsgError> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.certificate);
  } catch (error) {
    return err({ kind: "msg", message: `${credentials.certificateSource}: bad certificate: ${reason(error)}` });
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: Buffer.from(credentials.key) });
  } catch (error) {
    // OpenSSL's text for a key under a passphrase ("interrupted or cancelled") says nothing of it.
    if (
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED/m.test(
        Buffer.from(credentials.key).toString("latin1"),
      )
    )
      return err({
        kind: "msg",
        message:
          `${credentials.keySource}: the private key is encrypted (under a passphrase, which a unikernel cannot ` +
          "ask for): decrypt it with `openssl pkey -in KEY -out PLAIN` and give PLAIN instead",
      });
    return err({ kind: "msg", message: `${credentials.keySource}: bad private key: ${reason(error)}` });
  }
  if (!certificate.checkPrivateKey(key))
    return err({
      kind: "msg",
      message: `${credentials.keySource}: the key does not match the certificate ${credentials.certificateSource}`,
    });
  try {
    const context = createSecureContext({
      cert: Buffer.from(credentials.certificate),
      key: Buffer.from(credentials.key),
      minVersion,
      ...tlsDefaults,
    });
    return ok({ context, names: certificateNames(certificate) });
  } catch (error) {
    return err({ kind: "msg", message: `${credentials.certificateSource}: ${reason(error)}` });
  }
}

/** Whether `name` is covered by a certificate name (exact, or one `*.` label). */
function covers(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (!pattern.startsWith("*.")) return false;
  const dot = name.indexOf(".");
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}

/** The context for an SNI name: the first that covers it, else the first (the default). */
export function contextFor(contexts: readonly NamedContext[], servername: string): SecureContext | undefined {
  const name = servername.toLowerCase();
  return (contexts.find((c) => c.names.some((pattern) => covers(pattern, name))) ?? contexts[0])?.context;
}
