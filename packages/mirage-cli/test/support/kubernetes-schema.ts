// Strict validation of Kubernetes manifests against the API's own OpenAPI document, as kubeconform's
// `-strict` does with the schemas of yannh/kubernetes-json-schema: the definitions a Deployment and a
// Service reach (fixtures/kubernetes/openapi-subset.json, cut from Kubernetes v1.35.0's
// swagger.json by fixtures/kubernetes/subset.mjs), with every object that lists its properties
// closed to others, so that a misspelt or misplaced field is an error, as the API server's strict
// field validation (`kubectl apply --validate=strict`) makes it. ajv validates; ajv-formats knows
// int32, int64 and date-time.
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";

interface Fixture {
  readonly kubernetes: string;
  readonly roots: readonly string[];
  readonly definitions: Record<string, Record<string, unknown>>;
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/kubernetes/openapi-subset.json", import.meta.url), "utf8"),
) as Fixture;

/** The Kubernetes version whose OpenAPI document the schemas come from. */
export const KUBERNETES_VERSION = fixture.kubernetes;

/** `schema` with each object schema that lists properties closed to any other, at any depth. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const entries = Object.entries(schema).map(([key, inner]) => [key, closed(inner)] as const);
  const result = Object.fromEntries(entries) as Record<string, unknown>;
  if (result.properties !== undefined && result.additionalProperties === undefined) result.additionalProperties = false;
  return result;
}

const definitions = Object.fromEntries(
  Object.entries(fixture.definitions).map(([name, schema]) => [
    name,
    // IntOrString is a string or an integer; the document says "string" with a format of its own.
    name === "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
      ? { anyOf: [{ type: "string" }, { type: "integer" }] }
      : closed(schema),
  ]),
);

/** The `x-kubernetes-*` annotations of the document: keywords ajv must know to be strict about the rest. */
const annotations = [...new Set(JSON.stringify(definitions).match(/"x-kubernetes-[a-z-]+"/gu) ?? [])].map((k) =>
  JSON.parse(k),
) as string[];

const ajv = new Ajv({ strict: true, allErrors: true });
// ajv-formats is CommonJS: Node's default import is its module.exports, whose `default` is the plugin too.
const addFormats = addFormatsModule.default;
addFormats(ajv, ["int32", "int64", "date-time"]);
ajv.addVocabulary(annotations);
ajv.addSchema({ $id: "kubernetes", definitions });

/** The definition of each kind, by `apiVersion/kind`, from its `x-kubernetes-group-version-kind`. */
const byKind = new Map<string, string>();
for (const root of fixture.roots) {
  const kinds = (fixture.definitions[root]?.["x-kubernetes-group-version-kind"] ?? []) as {
    group: string;
    version: string;
    kind: string;
  }[];
  for (const { group, version, kind } of kinds)
    byKind.set(`${group === "" ? "" : `${group}/`}${version}/${kind}`, root);
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === "" ? "/" : error.instancePath;
  if (error.keyword === "additionalProperties") {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    return `${at}: unknown field ${JSON.stringify(field)}`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

/** The errors of a manifest against the strict schema of its kind (none when it is valid). */
export function strictErrors(manifest: unknown): string[] {
  const { apiVersion, kind } = (manifest ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const root = byKind.get(`${String(apiVersion)}/${String(kind)}`);
  if (root === undefined) return [`/: no schema for apiVersion ${String(apiVersion)}, kind ${String(kind)}`];
  const validate = ajv.getSchema(`kubernetes#/definitions/${root}`);
  if (validate === undefined) throw new Error(`the fixture has no definition ${root}`);
  return validate(manifest) ? [] : (validate.errors ?? []).map(describeError);
}
