/**
 * The image's Docker health check, from `--health`. The OCI image config has no health check
 * (Dockerfile's `HEALTHCHECK` is Docker's): Docker reads `config.Healthcheck` as its extension of
 * the OCI config (moby's docker-image-spec), whether it loads the archive as a `docker-archive`
 * (`manifest.json`) or as an OCI layout, and other tools ignore a field they do not know, as the
 * image spec tells them to. The image has no shell and no curl: the check runs the image's own
 * `node`, which asks the unikernel on the container's loopback, as the Kubernetes probes ask the
 * pod's address.
 *
 * @packageDocumentation
 */

import { HEALTH_TIMING, type Health } from "../kubernetes/health.js";

/**
 * Docker's `Healthcheck` of an image config: the command (`CMD` then the program and its
 * arguments) and its timing in nanoseconds.
 *
 * @beta
 */
export interface DockerHealthcheck {
  readonly Test: readonly string[];
  readonly Interval: number;
  readonly Timeout: number;
  readonly StartPeriod: number;
  readonly Retries: number;
}

const NS_PER_SECOND = 1_000_000_000;

/**
 * The script `node -e` runs: exit 0 when the unikernel answers the check on the loopback (an HTTP
 * status 2xx or 3xx, or a TCP connection accepted), 1 on an error, another status or no answer in
 * time.
 */
export function healthScript(health: Health): string {
  const timeout = HEALTH_TIMING.timeoutSeconds * 1000;
  const target = `host:"127.0.0.1",port:${health.port},timeout:${timeout}`;
  const fail = 'c.on("error",()=>process.exit(1));c.on("timeout",()=>process.exit(1));';
  if (health.kind === "http") {
    return (
      `const c=require("node:http").get({${target},path:${JSON.stringify(health.path)}},` +
      "r=>process.exit(r.statusCode>=200&&r.statusCode<400?0:1));" +
      fail
    );
  }
  return `const c=require("node:net").connect({${target}},()=>process.exit(0));${fail}`;
}

/**
 * The Docker health check running `node` (the image's path of it) with {@link healthScript}, at
 * the probes' pace.
 *
 * @beta
 */
export function dockerHealthcheck(health: Health, node: string): DockerHealthcheck {
  return {
    Test: ["CMD", node, "-e", healthScript(health)],
    Interval: HEALTH_TIMING.periodSeconds * NS_PER_SECOND,
    Timeout: HEALTH_TIMING.timeoutSeconds * NS_PER_SECOND,
    StartPeriod: HEALTH_TIMING.startSeconds * NS_PER_SECOND,
    Retries: HEALTH_TIMING.failureThreshold,
  };
}
