/**
 * When a server's port is ready, as every `HttpServer` implementation answers `listening`.
 *
 * @packageDocumentation
 */

import type { Tcp } from "@mirage-ts/mirage-types";

/**
 * Resolves once `port`, one of the `ports` a server listens on, is bound and accepting (the stack's
 * `Tcp.listening`; at once on a stack without it, which binds as it listens); rejects with a
 * `RangeError` for a port the server was not asked to listen on.
 *
 * @beta
 */
export function portListening(tcp: Tcp<unknown>, ports: { has(port: number): boolean }, port: number): Promise<void> {
  if (!ports.has(port)) return Promise.reject(new RangeError(`not listening on port ${port}`));
  return tcp.listening?.(port) ?? Promise.resolve();
}
