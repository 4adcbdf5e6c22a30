/**
 * The health convention of a deployed unikernel (`--health`): an HTTP path on a port, answered
 * with a 2xx or 3xx status while the unikernel serves, or a TCP port that accepts connections.
 * Kubernetes probes it for liveness and readiness; the Service exposes its port.
 *
 * @packageDocumentation
 */

import type { Converter, ParseResult } from "@mirage-ts/functoria";

/**
 * How an orchestrator checks that the unikernel is up.
 *
 * @beta
 */
export type Health =
  | { readonly kind: "http"; readonly port: number; readonly path: string }
  | { readonly kind: "tcp"; readonly port: number };

/**
 * How often and how patiently a health check is run, the same for the Kubernetes probes and the
 * image's Docker health check: every 10 s, 2 s for an answer, unhealthy after 3 failures in a row,
 * the first liveness check 5 s after the start.
 *
 * @beta
 */
export const HEALTH_TIMING = { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, startSeconds: 5 } as const;

const FORMS = "http:PORT/PATH (e.g. http:8080/) or tcp:PORT (e.g. tcp:53)";

function port(text: string): number | undefined {
  if (!/^\d{1,5}$/u.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * Parses a `--health` value: `http:PORT/PATH` or `tcp:PORT`.
 *
 * @beta
 */
export function parseHealth(text: string): ParseResult<Health> {
  const http = /^http:(\d+)(\/[^\s]*)$/u.exec(text);
  if (http !== null) {
    const p = port(http[1] ?? "");
    if (p !== undefined) return { ok: true, value: { kind: "http", port: p, path: http[2] ?? "/" } };
  }
  const tcp = /^tcp:(\d+)$/u.exec(text);
  if (tcp !== null) {
    const p = port(tcp[1] ?? "");
    if (p !== undefined) return { ok: true, value: { kind: "tcp", port: p } };
  }
  return { ok: false, error: `invalid health check ${JSON.stringify(text)}: expected ${FORMS}, port in 1-65535` };
}

/**
 * Prints a health check the way `--health` writes it.
 *
 * @beta
 */
export function printHealth(health: Health): string {
  return health.kind === "http" ? `http:${health.port}${health.path}` : `tcp:${health.port}`;
}

/** The converter of `--health` (absent: no probes). */
export const healthConv: Converter<Health | undefined> = {
  docv: "HEALTH",
  parse: (text) => parseHealth(text),
  print: (value) => (value === undefined ? "" : printHealth(value)),
};
