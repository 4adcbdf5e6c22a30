/**
 * `Device`: what every device has (`Mirage_device.S`), and the generic device errors.
 *
 * @packageDocumentation
 */

import { printError } from "./internal/error-text.js";

/**
 * A connected device. `disconnect` releases its resources and never fails.
 *
 * @public
 */
export interface Device {
  /** Releases the device; operations after it fail with a "disconnected" error. */
  disconnect(): Promise<void>;
}

/**
 * Errors any device may report (`Mirage_device.error`).
 *
 * @public
 */
export type DeviceError = { readonly kind: "unimplemented" } | { readonly kind: "disconnected" };

/**
 * An implementation-specific failure described by a message (OCaml's `Msg` variant), which device
 * families admit besides their own errors.
 *
 * @public
 */
export interface MsgError {
  readonly kind: "msg";
  readonly message: string;
}

/**
 * Prints a device error with upstream's text.
 *
 * @public
 */
export function ppDeviceError(error: DeviceError): string {
  return printError(error, {
    unimplemented: "operation not yet implemented",
    disconnected: "device is disconnected",
  });
}
