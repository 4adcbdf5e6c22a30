// A local npm registry for the tests: Verdaccio on 127.0.0.1, its storage, configuration and users in
// a temporary folder. `@mirage-ts/*` lives only there (published by the test, never proxied); every
// other package (esbuild, typescript, @types/node) is proxied to the registry npm itself is configured
// with, and kept in the temporary storage for the run. Proxying rather than pre-seeding keeps the
// test right whatever versions and platform binaries those packages resolve to.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Service, freeTcpPort, startService } from "@mirage-ts/test-support";
import { root } from "../consumers/harness.js";

/** A running registry and a home folder whose `.npmrc` points npm and pnpm at it. */
export interface Registry {
  readonly url: string;
  /** The environment for package managers: a HOME whose .npmrc names the registry and a token. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** The environment of the test without what the package manager that runs vitest set for it. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    // MODE: vitest sets it, and `mirage` reads it as the default target, as upstream does.
    if (lower.startsWith("npm_") || lower.startsWith("pnpm_") || name === "MODE" || name === "INIT_CWD") continue;
    env[name] = value;
  }
  return env;
}

function configYaml(storage: string, upstream: string): string {
  return `storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(join(storage, "..", "htpasswd"))}
    max_users: 10
uplinks:
  upstream:
    url: ${JSON.stringify(upstream)}
    timeout: 120s
    max_fails: 10
packages:
  "@mirage-ts/*":
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  "**":
    access: $all
    publish: $authenticated
    proxy: upstream
server:
  keepAliveTimeout: 60
log: { type: stdout, format: pretty, level: warn }
`;
}

/** Starts Verdaccio under `scratch`, adds a user and writes `scratch/home/.npmrc` with its token. */
export async function startRegistry(scratch: string): Promise<Registry> {
  const storage = join(scratch, "storage");
  mkdirSync(storage, { recursive: true });
  const upstream = execFileSync("npm", ["config", "get", "registry"], { env: cleanEnv(), encoding: "utf8" }).trim();
  const config = join(scratch, "config.yaml");
  writeFileSync(config, configYaml(storage, upstream));
  const port = await freeTcpPort();
  const bin = join(root, "node_modules", "verdaccio", "bin", "verdaccio");
  const server: Service = startService(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${port}`], {
    cwd: scratch,
    env: cleanEnv(),
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await server.waitFor(/http address/);
    const response = await fetch(`${url}-/user/org.couchdb.user:mirage`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "mirage", password: "mirage-test", type: "user", roles: [] }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (token === undefined) throw new Error(`the registry gave no token (HTTP ${response.status})`);
    const home = join(scratch, "home");
    mkdirSync(home, { recursive: true });
    const npmrc = [
      `registry=${url}`,
      `//127.0.0.1:${port}/:_authToken=${token}`,
      "fund=false",
      "audit=false",
      "update-notifier=false",
    ];
    writeFileSync(join(home, ".npmrc"), `${npmrc.join("\n")}\n`);
    // npm's cache and pnpm's store default to folders of HOME: both start empty.
    const env: NodeJS.ProcessEnv = { ...cleanEnv(), HOME: home };
    delete env.XDG_CONFIG_HOME;
    delete env.XDG_DATA_HOME;
    delete env.XDG_CACHE_HOME;
    return { url, env, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\nverdaccio said:\n${server.output()}`);
  }
}
