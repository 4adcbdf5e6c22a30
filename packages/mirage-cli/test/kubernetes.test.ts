// The Kubernetes manifests of `mirage configure --kubernetes`, validated against the Kubernetes
// OpenAPI schemas twice: by kubernetes-models (ajv validators generated from the API server's
// OpenAPI document: types, required fields, enumerations, but an unknown field passes) and strictly
// (support/kubernetes-schema.ts: the document's own definitions closed to unknown fields); their
// probes and securityContext checked for both network stacks, and the file configure writes for the
// static-website example.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type Health, parseHealth } from "../src/kubernetes/health.js";
import { type ManifestOptions, kubernetesManifests, kubernetesName } from "../src/kubernetes/manifests.js";
import { KUBERNETES_VERSION, strictErrors } from "./support/kubernetes-schema.js";
import { COMMAND_MS } from "./support/limits.js";
import { exampleCopy, mirage, removeProject } from "./support/project.js";

const options: ManifestOptions = {
  name: "static-website",
  image: "localhost/static-website:latest",
  args: ["--port=8080"],
  net: "socket",
  health: { kind: "http", port: 8080, path: "/healthz" },
  uid: 65532,
};

interface Container {
  readonly args: string[];
  readonly livenessProbe?: Record<string, unknown>;
  readonly readinessProbe?: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly ports?: { containerPort: number; name: string }[];
  readonly volumeMounts: { name: string; mountPath: string }[];
}

/** Validates the manifests against the schemas (throwing on the first invalid field) and returns them typed. */
function validated(manifests: readonly unknown[]): { deployment: Deployment; service?: Service } {
  for (const manifest of manifests) expect(strictErrors(manifest)).toEqual([]);
  const [first, second] = manifests;
  const deployment = new Deployment(first as ConstructorParameters<typeof Deployment>[0]);
  deployment.validate();
  if (second === undefined) return { deployment };
  const service = new Service(second as ConstructorParameters<typeof Service>[0]);
  service.validate();
  return { deployment, service };
}

function containerOf(deployment: Deployment): Container {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error("no container");
  return container as unknown as Container;
}

describe("the Kubernetes manifests", () => {
  it("of --net=socket pass the schemas, probe the health check and take every privilege away", () => {
    const { deployment, service } = validated(kubernetesManifests(options));
    const container = containerOf(deployment);
    expect(container.args).toEqual(["--port=8080"]);
    // The port is named after what it serves, and the probes point at it by that name.
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    for (const probe of [container.livenessProbe, container.readinessProbe])
      expect(probe).toMatchObject({ httpGet: { path: "/healthz", port: "http" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(deployment.spec?.template.spec?.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(service?.spec?.ports).toEqual([{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }]);
    expect(service?.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
  });

  it("of --net=direct add NET_ADMIN and /dev/net/tun, nothing else", () => {
    const { deployment } = validated(
      kubernetesManifests({ ...options, net: "direct", health: { kind: "tcp", port: 53 } }),
    );
    const container = containerOf(deployment);
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: "dns" } });
    expect(container.ports).toEqual([{ name: "dns", containerPort: 53, protocol: "TCP" }]);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
    });
    expect(container.volumeMounts).toContainEqual({ name: "dev-net-tun", mountPath: "/dev/net/tun" });
    expect(deployment.spec?.template.spec?.volumes).toContainEqual({
      name: "dev-net-tun",
      hostPath: { path: "/dev/net/tun", type: "CharDevice" },
    });
  });

  it("without a health check have no probes and no Service", () => {
    const manifests = kubernetesManifests({ ...options, health: undefined });
    expect(manifests).toHaveLength(1);
    const container = containerOf(validated(manifests).deployment);
    expect(container.livenessProbe).toBeUndefined();
  });

  it("are refused by both validations when a field has the wrong type (neither is a no-op)", () => {
    const [deployment] = kubernetesManifests(options) as Record<string, unknown>[];
    const broken = JSON.parse(JSON.stringify(deployment)) as { spec: { replicas: unknown } };
    broken.spec.replicas = "one";
    expect(strictErrors(broken)).toEqual(["/spec/replicas: must be integer"]);
    const model = new Deployment(broken as ConstructorParameters<typeof Deployment>[0]);
    expect(() => model.validate()).toThrow(/replicas must be integer/u);
  });

  const strictTitle = `are refused by the strict schemas (Kubernetes ${KUBERNETES_VERSION})`;
  it(`${strictTitle} when a field is misspelt or misplaced`, () => {
    const [deployment, service] = kubernetesManifests(options) as Record<string, unknown>[];
    const broken = JSON.parse(JSON.stringify(deployment)) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = broken.spec.template.spec.containers[0] ?? {};
    container.imagePullPolcy = container.imagePullPolicy;
    delete container.imagePullPolicy;
    (container.livenessProbe as { httpGet: Record<string, unknown> }).httpGet.paht = "/";
    // kubernetes-models lets unknown fields through: the strict schemas are what catch them.
    expect(() =>
      new Deployment(broken as unknown as ConstructorParameters<typeof Deployment>[0]).validate(),
    ).not.toThrow();
    expect(strictErrors(broken)).toEqual([
      '/spec/template/spec/containers/0: unknown field "imagePullPolcy"',
      '/spec/template/spec/containers/0/livenessProbe/httpGet: unknown field "paht"',
    ]);
    const misplaced = JSON.parse(JSON.stringify(service)) as { spec: Record<string, unknown> };
    misplaced.spec.containerPort = 8080;
    expect(strictErrors(misplaced)).toEqual(['/spec: unknown field "containerPort"']);
    expect(strictErrors({ ...service, kind: "Servic" })).toEqual(["/: no schema for apiVersion v1, kind Servic"]);
    expect(strictErrors({ ...service, spec: { ports: [{ port: "80" }] } })).toEqual([
      "/spec/ports/0/port: must be integer",
    ]);
  });

  it("probe the --health check, on its port, for both network stacks and both kinds of check", () => {
    const checks: Health[] = [
      { kind: "http", port: 8080, path: "/healthz" },
      { kind: "tcp", port: 53 },
      { kind: "tcp", port: 443 },
      { kind: "tcp", port: 9000 },
    ];
    const names = new Map<Health, string>(checks.map((h, i) => [h, ["http", "dns", "https", "tcp"][i] ?? ""]));
    for (const net of ["socket", "direct"] as const)
      for (const health of checks) {
        const { deployment, service } = validated(kubernetesManifests({ ...options, net, health }));
        const container = containerOf(deployment);
        const action =
          health.kind === "http"
            ? { httpGet: { path: health.path, port: names.get(health) } }
            : { tcpSocket: { port: names.get(health) } };
        expect(container.livenessProbe).toEqual({
          ...action,
          initialDelaySeconds: 5,
          periodSeconds: 10,
          timeoutSeconds: 2,
          failureThreshold: 3,
        });
        expect(container.readinessProbe).toMatchObject({ ...action, initialDelaySeconds: 1 });
        expect(container.ports).toEqual([{ name: names.get(health), containerPort: health.port, protocol: "TCP" }]);
        expect(service?.spec?.ports?.[0]).toMatchObject({
          name: names.get(health),
          port: health.port,
          targetPort: names.get(health),
        });
      }
  });

  it("name objects with DNS labels", () => {
    expect(kubernetesName("Static_Website")).toBe("static-website");
    expect(kubernetesName("42")).toBe("unikernel");
  });
});

describe("--health", () => {
  it("reads http:PORT/PATH and tcp:PORT, and says what it expects otherwise", () => {
    expect(parseHealth("http:8080/healthz")).toEqual({
      ok: true,
      value: { kind: "http", port: 8080, path: "/healthz" },
    });
    expect(parseHealth("tcp:53")).toEqual({ ok: true, value: { kind: "tcp", port: 53 } });
    for (const bad of ["http:8080", "tcp:0", "udp:53", "http:99999/"]) {
      const parsed = parseHealth(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain("expected http:PORT/PATH (e.g. http:8080/) or tcp:PORT");
    }
  });
});

describe("mirage configure --kubernetes", () => {
  it(
    "writes mirage/kubernetes.yaml for static-website, valid, with its keys",
    async () => {
      const dir = await exampleCopy("static-website");
      try {
        const args = ["configure", "-t", "unix", "--net=socket", "--kubernetes", "--health=http:8080/"];
        const configured = await mirage(dir, [...args, "--run-args=--port=8080", "--image=registry.example/site:1"]);
        expect(configured.stderr).toBe("");
        expect(configured.code).toBe(0);
        const text = await readFile(join(dir, "mirage", "kubernetes.yaml"), "utf8");
        expect(text.startsWith("# Generated by mirage")).toBe(true);
        const documents = parseAllDocuments(text).map((d) => d.toJS() as unknown);
        const { deployment, service } = validated(documents);
        const container = containerOf(deployment);
        expect(deployment.spec?.template.spec?.containers[0]?.image).toBe("registry.example/site:1");
        expect(container.args).toEqual(["--port=8080"]);
        expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/" } });
        expect(service?.metadata?.name).toBe("static-website");
        expect((await mirage(dir, ["query", "files"])).stdout).toContain("kubernetes.yaml");
        const refused = await mirage(dir, ["configure", "--health=http:80"]);
        expect(refused.code).toBe(124);
        expect(refused.stderr).toContain("invalid health check");
      } finally {
        await removeProject(dir);
      }
    },
    COMMAND_MS * 3,
  );
});
