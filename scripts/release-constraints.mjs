#!/usr/bin/env node
// Keeps the first-line version constraint of the examples (`// mirage >= 0.1.0 & < 0.2.0`, checked by
// `mirage configure`) on the release series of the workspace's mirage-cli. `changeset version` bumps
// mirage-cli but knows nothing of these lines, so without this step every example would refuse the
// freshly released tool. `pnpm release:version` runs it right after `changeset version`; `--check`
// (run by `pnpm run checks`) fails when a constraint is not that series.
//
// The series of version M.m.p is the caret range: `>= 0.m.0 & < 0.(m+1).0` while 0.x, `>= M.0.0 &
// < (M+1).0.0` from 1.0.
//
// Usage: node scripts/release-constraints.mjs [--check] [--root DIR]
// Exit codes: 0 all constraints current (or rewritten), 1 --check found stale ones, 2 the script could not run.

import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// A constraint line as the examples write it (both bounds); other forms are left alone.
const CONSTRAINT = /^\/\/ mirage >= \d+\.\d+\.\d+ & < \d+\.\d+\.\d+$/mu;
// Documents that show a config.ts to copy, besides the examples' own config.ts files.
const DOCUMENTS = ["packages/mirage-cli/README.md"];

/** The constraint line admitting the release series of `version`. */
export function constraintFor(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)/u.exec(version);
  if (match === null) throw new Error(`mirage-cli's version ${JSON.stringify(version)} is not semver`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const [low, high] = major === 0 ? [`0.${minor}.0`, `0.${minor + 1}.0`] : [`${major}.0.0`, `${major + 1}.0.0`];
  return `// mirage >= ${low} & < ${high}`;
}

/** The files carrying a constraint: every example's config.ts and the documents that show one. */
function targets(root) {
  const examples = join(root, "examples");
  const configs = existsSync(examples)
    ? readdirSync(examples, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(examples, entry.name, "config.ts"))
    : [];
  return [...configs, ...DOCUMENTS.map((path) => join(root, path))].filter((path) => existsSync(path)).sort();
}

/**
 * Brings every constraint under `root` to mirage-cli's release series. Returns the files (relative to
 * `root`) whose constraint was stale, with the line they had; writes them unless `check`.
 */
export function updateConstraints({ root, check }) {
  const manifest = join(root, "packages", "mirage-cli", "package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  const wanted = constraintFor(version);
  const stale = [];
  for (const path of targets(root)) {
    const text = readFileSync(path, "utf8");
    const found = CONSTRAINT.exec(text)?.[0];
    if (found === undefined || found === wanted) continue;
    stale.push({ file: relative(root, path), was: found });
    if (!check) writeFileSync(path, text.replaceAll(new RegExp(CONSTRAINT.source, "gmu"), wanted));
  }
  return { version, wanted, stale };
}

function parseArgs(argv) {
  const options = { root: join(dirname(fileURLToPath(import.meta.url)), ".."), check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") options.check = true;
    else if (arg === "--root" && i + 1 < argv.length) options.root = resolve(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --check or --root DIR)`);
  }
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  let result;
  try {
    options = parseArgs(process.argv.slice(2));
    result = updateConstraints(options);
  } catch (error) {
    console.error(`release-constraints: ${error.message}`);
    process.exit(2);
  }
  const { version, wanted, stale } = result;
  for (const { file, was } of stale) console.log(`${file}: ${was} -> ${wanted}`);
  if (options.check && stale.length > 0) {
    console.error(
      `release-constraints: ${stale.length} constraint(s) are not the release series of mirage-cli ${version}; ` +
        "run `node scripts/release-constraints.mjs` (pnpm release:version does it after changeset version)",
    );
    process.exit(1);
  }
  if (!options.check) console.log(`constraints: ${wanted} (mirage-cli ${version}), ${stale.length} file(s) updated`);
}
