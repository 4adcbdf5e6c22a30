// Benchmark of the mirage tool on examples/hello: the time of `mirage configure` (which loads and
// type-checks config.ts) and of `mirage build` (type-check and bundle), and the size of the
// minified bundle. As peers measured in the same run, the same work done by the tools directly:
// `tsc --noEmit` on config.ts and on the generated entry, then the `esbuild` command, with
// TypeScript 7 (the native compiler `mirage` uses where installed) and with TypeScript 6 (its
// fallback), so the ratios show what the mirage tool adds.
// Run from the repository root after `pnpm build`: node packages/mirage-cli/bench/hello.mjs [runs]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const hello = join(root, "examples", "hello");
const bin = join(root, "packages", "mirage-cli", "dist", "bin.js");
const require = createRequire(join(root, "packages", "mirage-cli", "package.json"));
const tsc6 = require.resolve("typescript/bin/tsc");
const tsc7 = join(require.resolve("typescript-7/package.json"), "..", "bin", "tsc");
const esbuild = join(require.resolve("esbuild/package.json"), "..", "bin", "esbuild");
const runs = Number(process.argv[2] ?? 3);

/** Runs `node args` in examples/hello and returns the elapsed seconds. */
function timed(args) {
  const start = performance.now();
  execFileSync(process.execPath, args, { cwd: hello, stdio: ["ignore", "ignore", "pipe"] });
  return (performance.now() - start) / 1000;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const scratch = mkdtempSync(join(tmpdir(), "mirage-bench-"));
const samples = { configure: [], build: [], peer7: [], peer6: [] };
const tscOptions = [
  "--ignoreConfig",
  "--noEmit",
  "--target",
  "es2023",
  "--lib",
  "es2023",
  "--module",
  "esnext",
  "--moduleResolution",
  "bundler",
  "--strict",
  "--skipLibCheck",
];
let bytes = 0;
try {
  for (let i = 0; i < runs; i++) {
    timed([bin, "clean"]);
    samples.configure.push(timed([bin, "configure", "-t", "unix"]));
    samples.build.push(timed([bin, "build", "-q"]));
    // The bundle and the program that runs it with source maps on.
    bytes = statSync(join(hello, "dist", "hello.app.mjs")).size + statSync(join(hello, "dist", "hello.mjs")).size;
    const bundling = timed([
      esbuild,
      "mirage/main.ts",
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--target=node20",
      "--minify",
      "--sourcemap",
      `--outfile=${join(scratch, "hello.mjs")}`,
      "--log-level=warning",
    ]);
    for (const [tsc, peer] of [
      [tsc7, samples.peer7],
      [tsc6, samples.peer6],
    ])
      peer.push(timed([tsc, ...tscOptions, "config.ts"]) + timed([tsc, ...tscOptions, "mirage/main.ts"]) + bundling);
  }
  const gzipped = ["hello.app.mjs", "hello.mjs"]
    .map((file) => gzipSync(readFileSync(join(hello, "dist", file))).length)
    .reduce((a, b) => a + b);
  const configure = median(samples.configure);
  const build = median(samples.build);
  const peer7 = median(samples.peer7);
  const peer6 = median(samples.peer6);
  const total = configure + build;
  console.log(`mirage on examples/hello (median of ${runs} runs)`);
  console.log(`  configure            ${configure.toFixed(2)} s  (loads and type-checks config.ts)`);
  console.log(`  build                ${build.toFixed(2)} s  (type-check + bundle)`);
  console.log(`  configure + build    ${total.toFixed(2)} s  (aim: under 1 s on a quiet machine)`);
  console.log(
    `  bundle               ${(bytes / 1024).toFixed(1)} KiB minified, ` +
      `${(gzipped / 1024).toFixed(1)} KiB gzipped  (aim: under 60 KB)`,
  );
  console.log(
    `  peer: tsc 7 + esbuild ${peer7.toFixed(2)} s  (config.ts, main.ts, bundle; ` +
      `mirage / peer = ${(total / peer7).toFixed(2)})`,
  );
  console.log(
    `  peer: tsc 6 + esbuild ${peer6.toFixed(2)} s  (the same with TypeScript 6; ` +
      `mirage / peer = ${(total / peer6).toFixed(2)})`,
  );
} finally {
  execFileSync(process.execPath, [bin, "clean"], { cwd: hello });
  rmSync(scratch, { recursive: true, force: true });
}
