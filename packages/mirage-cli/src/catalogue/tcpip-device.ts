/**
 * The devices of the TypeScript stack: each is a class of `@mirage-ts/tcpip`, imported from that
 * package, which the generated project then depends on.
 *
 * @packageDocumentation
 */

import { type DeviceOptions, type Fn, type Impl, type Typ, impl, pkg } from "@mirage-ts/functoria";
import { compatibleRange } from "../version.js";
import { defaultTimers } from "./base.js";

/** The tcpip package, which every stack device needs. */
const TCPIP = pkg("@mirage-ts/tcpip", { range: compatibleRange });

/** The device of the tcpip class `options.name`, with tcpip as its package. */
export function tcpipDevice<T>(options: Omit<DeviceOptions<T>, "module" | "packages">): Impl<T> {
  return impl({ ...options, module: "@mirage-ts/tcpip", packages: [TCPIP] });
}

/** The tcpip layer `name` over one lower layer and the stack's timers: `new Name(lower, { clock })`. */
export function clockedTcpipLayer<A, B>(name: string, type: Typ<Fn<A, B>>): Impl<Fn<A, B>> {
  return tcpipDevice({
    name,
    type,
    extraDeps: [defaultTimers],
    connect: ({ impl: cls, args: [lower = "", clock = ""] }) => `new ${cls}(${lower}, { clock: ${clock} })`,
  });
}
