/**
 * The `@mirage-ts/tls` package: platform-neutral TLS device signatures (TLS over any mirage `Flow`,
 * as server or client, with SNI, ALPN, resumption and verification on by default) and certificates
 * read from a KV store.
 *
 * @packageDocumentation
 */

export {
  type Tls,
  type TlsClientConfig,
  type TlsError,
  type TlsFlow,
  type TlsServerConfig,
  type TlsWriteError,
  ppTlsError,
} from "./tls.js";
export { type TlsCredentialKeys, type TlsCredentials, readTlsCredentials } from "./credentials.js";
