// The text `mirage describe` prints without --dot: the name, then every key with its value, the deployment
// keys (OCI image and Kubernetes) among them in every unikernel.

/** The deployment keys every unikernel has, at their defaults. */
const DEPLOYMENT_KEYS = [
  "health= (default)",
  "image= (default)",
  "kubernetes=false (default)",
  "oci=false (default)",
  "oci-base= (default)",
  "run-args= (default)",
];

/** What `describe` prints for unikernel `name` with `keys` (`key=value`, `(default)` marked) besides those. */
export function describeSummary(name: string, keys: readonly string[]): string {
  const keyName = (entry: string) => entry.slice(0, entry.indexOf("="));
  const all = [...DEPLOYMENT_KEYS, ...keys].sort((a, b) => (keyName(a) < keyName(b) ? -1 : 1));
  return `Name       ${name}\nKeys       ${all.join(",\n           ")}\n`;
}
