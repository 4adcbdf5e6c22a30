/**
 * The browser platform of mirage-ts, the peer of mirage-unix on web APIs only: the main loop with the
 * runtime's hooks, sleep, clocks, random, the page's output and console, the run-time arguments of
 * the query string, a read-write key-value store in IndexedDB, and a NETWORK device carrying Ethernet
 * frames over a WebSocket to a host frame switch.
 *
 * @packageDocumentation
 */

// The public declarations mention the web's types (WebSocket, IndexedDB): consumers get them
// through this directive, whatever their own `lib` setting.
/// <reference lib="dom" preserve="true" />

export { queryArgv } from "./argv.js";
export { connectConsole } from "./console.js";
export { browserExitStatuses } from "./exit-codes.js";
export { connectIndexedDbKvRw, type IndexedDbKvRwOptions } from "./kv/indexeddb-kv-rw.js";
export { EXIT_EVENT, Main, type MainHooks, type MainOptions, reportExit } from "./main-loop.js";
export { browserMClock } from "./mclock.js";
export {
  connectWebSocketNetif,
  parseWebSocketUrl,
  type WebSocketNetif,
  type WebSocketNetifOptions,
} from "./net/websocket-netif.js";
export { OUTPUT_ELEMENT_ID, browserOutput, pageOutput } from "./output.js";
export { browserPClock } from "./pclock.js";
export { browserRandom } from "./random.js";
export { browserSleep } from "./sleep.js";
export { type BrowserClock, type BrowserTimer, browserClock } from "./timers.js";
