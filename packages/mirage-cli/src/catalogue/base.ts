/**
 * The devices every platform provides without configuration (upstream `default_console`,
 * `default_sleep`, `default_mtime`, `default_ptime`, `default_random`): the application gets them
 * as arguments of its `start`, so it never imports a platform package itself.
 *
 * @packageDocumentation
 */

import type { Impl } from "@mirage-ts/functoria";
import { platformValue } from "../internal/platform.js";
import { console, mclock, pclock, random, sleep, timers } from "./types.js";

/**
 * The platform's console (standard input and output on unix).
 *
 * @public
 */
export const defaultConsole: Impl<"console"> = platformValue("Console", console, "console", "the console");

/**
 * The platform's sleep (Node timers on unix).
 *
 * @public
 */
export const defaultSleep: Impl<"sleep"> = platformValue("Sleep", sleep, "sleep", "sleep");

/**
 * The platform's monotonic clock.
 *
 * @public
 */
export const defaultMClock: Impl<"mclock"> = platformValue("Mclock", mclock, "mclock", "the monotonic clock");

/**
 * The platform's wall clock.
 *
 * @public
 */
export const defaultPClock: Impl<"pclock"> = platformValue("Pclock", pclock, "pclock", "the wall clock");

/**
 * The platform's cryptographically secure random generator.
 *
 * @public
 */
export const defaultRandom: Impl<"random"> = platformValue("Random", random, "random", "the random generator");

/**
 * The platform's timers for a TCP/IP stack (tcpip's `Clock`), shared by the stack devices.
 *
 * @public
 */
export const defaultTimers: Impl<"timers"> = platformValue("Timers", timers, "timers", "stack timers");
