// The Kubernetes manifests of `mirage configure --kubernetes`, validated against the Kubernetes
// OpenAPI schemas (kubernetes-models: ajv validators generated from the API server's OpenAPI
// document), their probes and securityContext checked for both network stacks, and the file
// configure writes for the static-website example.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseHealth } from "../src/kubernetes/health.js";
import { type ManifestOptions, kubernetesManifests, kubernetesName } from "../src/kubernetes/manifests.js";
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
    expect(container.ports).toEqual([{ name: "health", containerPort: 8080, protocol: "TCP" }]);
    for (const probe of [container.livenessProbe, container.readinessProbe])
      expect(probe).toMatchObject({ httpGet: { path: "/healthz", port: "health" } });
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
    expect(service?.spec?.ports).toEqual([{ name: "health", port: 8080, targetPort: "health", protocol: "TCP" }]);
    expect(service?.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
  });

  it("of --net=direct add NET_ADMIN and /dev/net/tun, nothing else", () => {
    const { deployment } = validated(
      kubernetesManifests({ ...options, net: "direct", health: { kind: "tcp", port: 53 } }),
    );
    const container = containerOf(deployment);
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: "health" } });
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

  it("are refused by the schemas when a field is wrong (the validation is not a no-op)", () => {
    const [deployment] = kubernetesManifests(options) as Record<string, unknown>[];
    const broken = JSON.parse(JSON.stringify(deployment)) as { spec: { replicas: unknown } };
    broken.spec.replicas = "one";
    expect(() => validated([broken])).toThrow(/replicas must be integer/u);
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
