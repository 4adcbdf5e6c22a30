/**
 * Errors of the stub resolver.
 *
 * @packageDocumentation
 */

import { rrTypeName } from "../wire/constants.js";

/**
 * Why a lookup failed.
 *
 * @beta
 */
export type DnsError =
  | { readonly kind: "invalid_name"; readonly name: string; readonly reason: string }
  | { readonly kind: "nxdomain"; readonly name: string }
  | { readonly kind: "nodata"; readonly name: string; readonly type: number }
  | { readonly kind: "timeout"; readonly name: string; readonly attempts: number }
  | { readonly kind: "server_failure"; readonly name: string; readonly rcode: number }
  | { readonly kind: "cname_loop"; readonly name: string };

/**
 * Prints a resolver error as one line.
 *
 * @beta
 */
export function ppDnsError(error: DnsError): string {
  switch (error.kind) {
    case "invalid_name":
      return `invalid domain name "${error.name}": ${error.reason}`;
    case "nxdomain":
      return `${error.name}: no such domain (NXDOMAIN)`;
    case "nodata":
      return `${error.name}: no ${rrTypeName(error.type)} record`;
    case "timeout":
      return `${error.name}: no answer from any name server after ${error.attempts} attempts`;
    case "server_failure":
      return `${error.name}: every name server failed (last rcode ${error.rcode})`;
    case "cname_loop":
      return `${error.name}: CNAME chain too long or looping`;
  }
}
