/**
 * A listening port of the TCP layer and the owner of each connection until the application has it:
 * the listener that created a passive one, or the pending `createConnection` of an active one.
 *
 * @packageDocumentation
 */

import type { Result, TcpError, TcpFlow } from "@mirage-ts/mirage-types";
import type { KeepaliveMs } from "./config.js";
import type { Connection } from "./connection.js";

/** The application's handler of a listening port. */
export type Handler<A> = (flow: TcpFlow<A>) => void | Promise<void>;

/** Settles the promise of a `createConnection`. */
export type Opener<A> = (result: Result<TcpFlow<A>, TcpError>) => void;

/** A listening port. */
export interface Listener<A> {
  readonly port: number;
  readonly handler: Handler<A>;
  readonly keepalive: KeepaliveMs | undefined;
  readonly backlog: number;
  /** Half-open connections created by this listener, with the time each was created, oldest first. */
  readonly halfOpen: Map<Connection<A>, number>;
  /** Established connections not yet handed to the handler. */
  pending: number;
}

/**
 * Who waits for a connection: the listener it was created by (half-open, or established and not yet
 * handed to the handler), or the `createConnection` call that opened it.
 */
export type ConnectionOwner<A> =
  | { readonly kind: "listener"; readonly listener: Listener<A> }
  | { readonly kind: "opener"; readonly settle: Opener<A> };
