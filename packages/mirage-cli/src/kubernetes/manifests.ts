/**
 * Kubernetes manifests of a unikernel (as upstream Mirage writes `libvirt.xml` for its engine): a
 * Deployment running its OCI image and a Service in front of it, with liveness and readiness
 * probes from `--health`. On the host's sockets (`--net=socket`) the container has no privilege
 * at all: a non-root user, every capability dropped, a read-only root. On mirage-ts's own stack
 * over a tap (`--net=direct`) it needs `NET_ADMIN` and the host's `/dev/net/tun` to create its
 * tap, which Linux grants to a process with the capability in its effective set: it then runs as
 * root inside its pod, still with a read-only root and nothing else.
 *
 * @packageDocumentation
 */

import { stringify } from "yaml";
import { HEALTH_TIMING, type Health } from "./health.js";

/**
 * What the manifests are made of.
 *
 * @beta
 */
export interface ManifestOptions {
  /** The unikernel's name: the Deployment, Service, container and `app` label. */
  readonly name: string;
  /** The image reference the container runs. */
  readonly image: string;
  /** The run-time arguments (the container's `args`, after the image's entrypoint). */
  readonly args: readonly string[];
  /** The network stack: the host's sockets, or mirage-ts's own over a tap. */
  readonly net: "socket" | "direct";
  /** The health check, for the probes and the Service's port; none without. */
  readonly health?: Health | undefined;
  /** The image's numeric user. */
  readonly uid: number;
}

/** A Kubernetes object, as plain data. */
export type Manifest = Readonly<Record<string, unknown>>;

/** A DNS-1035 label of a unikernel's name: lower case, `-` for anything else, at most 63 characters. */
export function kubernetesName(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/gu, "-")
    .replace(/^[^a-z]+/u, "")
    .slice(0, 63)
    .replace(/-+$/u, "");
  return label === "" ? "unikernel" : label;
}

// The services of well-known ports a TCP check may probe, by their IANA names.
const WELL_KNOWN: Readonly<Record<number, string>> = { 53: "dns", 80: "http", 443: "https", 853: "domain-s" };

/**
 * The name of the port a health check probes, after what it serves (what `kubectl port-forward
 * svc/NAME http` and other Services' `targetPort` refer to): `http` for an HTTP check, the service of
 * a well-known port for a TCP check, `tcp` otherwise.
 */
export function healthPortName(health: Health): string {
  if (health.kind === "http") return "http";
  return WELL_KNOWN[health.port] ?? "tcp";
}

function probe(health: Health, initialDelaySeconds: number): Record<string, unknown> {
  const port = healthPortName(health);
  const action = health.kind === "http" ? { httpGet: { path: health.path, port } } : { tcpSocket: { port } };
  const { periodSeconds, timeoutSeconds, failureThreshold } = HEALTH_TIMING;
  return { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold };
}

/** The container's securityContext for its network stack. */
export function securityContext(net: "socket" | "direct", uid: number): Record<string, unknown> {
  const common = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true };
  if (net === "socket") {
    return {
      ...common,
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    };
  }
  // Kubernetes adds capabilities to the bounding and permitted sets only, which a non-root user's
  // exec drops: creating a tap (TUNSETIFF) needs NET_ADMIN effective, hence uid 0 in the pod.
  return {
    ...common,
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * The Deployment and Service (when a health check gives a port) of a unikernel.
 *
 * @beta
 */
export function kubernetesManifests(options: ManifestOptions): Manifest[] {
  const name = kubernetesName(options.name);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "mirage" };
  const selector = { "app.kubernetes.io/name": name };
  const { health } = options;
  const tun = options.net === "direct";
  const container = {
    name,
    image: options.image,
    imagePullPolicy: options.image.startsWith("localhost/") ? "Never" : "IfNotPresent",
    args: [...options.args],
    ...(health === undefined
      ? {}
      : { ports: [{ name: healthPortName(health), containerPort: health.port, protocol: "TCP" }] }),
    ...(health === undefined
      ? {}
      : { livenessProbe: probe(health, HEALTH_TIMING.startSeconds), readinessProbe: probe(health, 1) }),
    securityContext: securityContext(options.net, options.uid),
    // The root is read-only; a writable /tmp for what Node or the unikernel may put there.
    volumeMounts: [
      { name: "tmp", mountPath: "/tmp" },
      ...(tun ? [{ name: "dev-net-tun", mountPath: "/dev/net/tun" }] : []),
    ],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
  };
  const volumes = [
    { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
    ...(tun ? [{ name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } }] : []),
  ];
  const deployment: Manifest = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(tun ? {} : { securityContext: { runAsNonRoot: true, runAsUser: options.uid, fsGroup: options.uid } }),
          containers: [container],
          volumes,
        },
      },
    },
  };
  if (health === undefined) return [deployment];
  const service: Manifest = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: healthPortName(health), port: health.port, targetPort: healthPortName(health), protocol: "TCP" }],
    },
  };
  return [deployment, service];
}

/** The manifests as one YAML stream (documents separated by `---`). */
export function manifestsYaml(manifests: readonly Manifest[], header: string): string {
  const documents = manifests.map((m) => `---\n${stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })}`);
  return `# ${header}\n${documents.join("")}`;
}
