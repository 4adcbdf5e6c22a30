/**
 * The module types of Mirage's devices (upstream `Mirage.console`, `block`, `kv_ro`, ...). Each
 * names a signature of `@mirage-ts/mirage-types` (or, for `info`, the application information
 * object), and its phantom type keeps devices of different types from mixing in `config.ts`.
 *
 * @packageDocumentation
 */

import { type Typ, typ } from "@mirage-ts/functoria";

/**
 * The command line given to the unikernel (upstream `argv`): a `string[]` at run time.
 *
 * @public
 */
export const argv: Typ<"argv"> = typ("argv");

/**
 * A console (`Console` of mirage-types).
 *
 * @public
 */
export const console: Typ<"console"> = typ("console");

/**
 * Sleeping (`Sleep` of mirage-types, upstream `Mirage_sleep`).
 *
 * @public
 */
export const sleep: Typ<"sleep"> = typ("sleep");

/**
 * A monotonic clock (`MClock` of mirage-types, upstream `Mirage_mtime`).
 *
 * @public
 */
export const mclock: Typ<"mclock"> = typ("mclock");

/**
 * A wall clock (`PClock` of mirage-types, upstream `Mirage_ptime`).
 *
 * @public
 */
export const pclock: Typ<"pclock"> = typ("pclock");

/**
 * A random generator (`Random` of mirage-types).
 *
 * @public
 */
export const random: Typ<"random"> = typ("random");

/**
 * A block device (`Block` of mirage-types).
 *
 * @public
 */
export const block: Typ<"block"> = typ("block");

/**
 * A read-only key-value store (`KvRo` of mirage-types, upstream `kv_ro`).
 *
 * @public
 */
export const kvRo: Typ<"kv_ro"> = typ("kv_ro");

/**
 * A read-write key-value store (`KvRw` of mirage-types, upstream `kv_rw`).
 *
 * @public
 */
export const kvRw: Typ<"kv_rw"> = typ("kv_rw");

/**
 * A network interface (`Network` of mirage-types).
 *
 * @public
 */
export const network: Typ<"network"> = typ("network");

/**
 * An ethernet layer (`Ethernet` of mirage-types).
 *
 * @public
 */
export const ethernet: Typ<"ethernet"> = typ("ethernet");

/**
 * An ARP layer (`Arp` of mirage-types, upstream `arpv4`).
 *
 * @public
 */
export const arpv4: Typ<"arpv4"> = typ("arpv4");

/**
 * An IPv4 layer (`Ipv4` of mirage-types).
 *
 * @public
 */
export const ipv4: Typ<"ipv4"> = typ("ipv4");

/**
 * A UDP layer (`Udp` of mirage-types).
 *
 * @public
 */
export const udp: Typ<"udp"> = typ("udp");

/**
 * A TCP layer (`Tcp` of mirage-types).
 *
 * @public
 */
export const tcp: Typ<"tcp"> = typ("tcp");

/**
 * A network stack (`Stack` of mirage-types, upstream `stackv4v6`).
 *
 * @public
 */
export const stackv4v6: Typ<"stackv4v6"> = typ("stackv4v6");

/**
 * The timers of a TCP/IP stack (tcpip's `Clock`: milliseconds and one-shot timers).
 *
 * @public
 */
export const timers: Typ<"timers"> = typ("timers");

/**
 * Information about the application, built at configure time (see {@link appInfo}).
 *
 * @public
 */
export const info: Typ<"info"> = typ("info");

/**
 * An HTTP server (`HttpServer` of `@mirage-ts/http`, upstream `Mirage.http` and `http_server`).
 *
 * @beta
 */
export const http: Typ<"http"> = typ("http");

/**
 * A web service served over HTTPS or plain HTTP as `--tls` says (`HttpService` of `@mirage-ts/http`).
 *
 * @beta
 */
export const httpService: Typ<"http_service"> = typ("http_service");

/**
 * An HTTP client (`HttpClient` of `@mirage-ts/http`, upstream `Mirage.http_client`).
 *
 * @beta
 */
export const httpClient: Typ<"http_client"> = typ("http_client");
