// ts-hooks.mjs: Node module hooks that let fixture scripts run this repository's TypeScript sources
// directly, as vitest does: `.ts` files are transpiled on load with the workspace's own TypeScript
// (types are erased, nothing is checked), and the NodeNext-style `./x.js` specifiers of the sources
// resolve to the `./x.ts` files beside them. Used through register-ts.mjs; used by
// mirage-unix's fixtures (test/support/run-fixture.ts) and the benchmarks written in TypeScript.
// Transpiled files are cached by content hash in the system's temporary directory: transpiling is
// most of a fixture's start-up time.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const cacheDir = join(tmpdir(), `mirage-unix-fixture-cache-${process.getuid?.() ?? "user"}`);
let ts;

async function transpile(url, source) {
  const key = createHash("sha256").update(url).update("\0").update(source).digest("hex");
  const cached = join(cacheDir, `${key}.js`);
  try {
    return await readFile(cached, "utf8");
  } catch {
    ts ??= require("typescript");
    const { outputText } = ts.transpileModule(source, {
      fileName: url,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
        inlineSourceMap: true,
      },
    });
    try {
      await mkdir(cacheDir, { recursive: true });
      const temp = `${cached}.${process.pid}.tmp`;
      await writeFile(temp, outputText);
      await rename(temp, cached);
    } catch {
      // an unwritable cache only costs time
    }
    return outputText;
  }
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const source = await readFile(new URL(url), "utf8");
  return { format: "module", source: await transpile(url, source), shortCircuit: true };
}
