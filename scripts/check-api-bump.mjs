#!/usr/bin/env node
// Semver gate run by CI: for every package, compares its API report (etc/<dir>.api.md) with the report
// at the package's last release (the last commit that changed its "version"), classifies the change,
// and fails when the pending changesets do not bump the package enough, or when its src/ changed with
// no changeset naming it.
//
// Rules (toolchain.md §2.4):
//   - a removed or changed report line is breaking; only added lines are additive;
//   - in packages marked "mirage": { "api": "implemented" } (downstream code implements their
//     interfaces), a new required member of an existing exported interface is breaking too;
//   - breaking needs `major` (`minor` while 0.x); additive needs `minor` (`patch` while 0.x);
//   - src/ changed since the release needs a changeset naming the package, or an empty changeset
//     whose summary names it ("@mirage-ts/tcpip: tests only").
//
// Usage: node scripts/check-api-bump.mjs [--root DIR] [--changeset BIN]
// Exit codes: 0 all packages fine, 1 at least one package fails, 2 the check itself could not run.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const LEVELS = ["none", "patch", "minor", "major"];

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const options = { root: process.cwd(), changeset: join(here, "..", "node_modules", ".bin", "changeset") };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--root") options.root = resolve(argv[++i]);
    else if (arg === "--changeset") options.changeset = resolve(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --root DIR or --changeset BIN)`);
  }
  return options;
}

function git(root, args) {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The commit that last changed the package's version line: its last release (or its creation). */
function releaseBaseline(root, dir) {
  return git(root, ["log", "-1", "--format=%H", '-G"version"', "--", `${dir}/package.json`]).trim() || undefined;
}

function fileAt(root, commit, path) {
  try {
    return git(root, ["show", `${commit}:${path}`]);
  } catch {
    return undefined;
  }
}

// Report lines that carry no API: blank lines, comments, and the fences around the code block.
function isApiLine(line) {
  const t = line.trim();
  return t !== "" && !t.startsWith("//") && !t.startsWith("```") && !t.startsWith(">") && !t.startsWith("#");
}

/** Line diff (LCS) of two texts: the old lines that disappeared and the new line indexes that appeared. */
export function diffLines(oldText, newText) {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed = [];
  const added = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(j++);
    else removed.push(a[i++]);
  }
  return { removed, added, newLines: b };
}

// The exported interface enclosing line `index` of an API report, with the index of its header line.
function enclosingInterface(lines, index) {
  for (let k = index; k >= 0; k--) {
    const line = lines[k];
    if (/^}/.test(line) && k !== index) return undefined;
    if (/^export interface \w+/.test(line)) return k;
  }
  return undefined;
}

function isRequiredMember(line) {
  const t = line.trim();
  if (t === "}" || t === "{" || t.startsWith("//")) return false;
  // `name?: T`, `name?(...)`, `readonly name?: T` are optional; anything else declares a required member.
  return !/^(readonly\s+)?[\w$]+\?[:(<]/.test(t);
}

// API Extractor writes an import of the report as `import type` or `import` after whichever way a source
// file imported the name first: the spelling changes with unrelated edits, the API does not.
function importsAsValues(report) {
  return report.replace(/^import type \{/gm, "import {");
}

/** Classifies the change between two API reports: "breaking", "additive" or "none". */
export function classify(oldReport, newReport, implemented) {
  if (oldReport === undefined) return newReport === undefined ? "none" : "additive";
  const { removed, added, newLines } = diffLines(importsAsValues(oldReport), importsAsValues(newReport ?? ""));
  if (removed.some(isApiLine)) return "breaking";
  const addedApi = added.filter((k) => isApiLine(newLines[k]));
  if (addedApi.length === 0) return "none";
  if (implemented) {
    const addedSet = new Set(added);
    for (const k of addedApi) {
      const header = enclosingInterface(newLines, k);
      // A member added to an interface that existed before breaks every implementer.
      if (header !== undefined && header !== k && !addedSet.has(header) && isRequiredMember(newLines[k]))
        return "breaking";
    }
  }
  return "additive";
}

/** The bump level a change needs at a version. */
export function requiredLevel(change, version) {
  const zero = version.startsWith("0.");
  if (change === "breaking") return zero ? "minor" : "major";
  if (change === "additive") return zero ? "patch" : "minor";
  return "none";
}

function changesetStatus(root, bin) {
  const scratch = mkdtempSync(join(tmpdir(), "changeset-status-"));
  const out = join(scratch, "status.json");
  try {
    execFileSync(bin, ["status", `--output=${out}`], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    return JSON.parse(readFileSync(out, "utf8"));
  } catch (error) {
    const detail = error.stderr?.toString() || error.message;
    // changesets refuses to report when packages changed and no changeset exists at all: for this
    // check that simply means nothing is pending.
    if (detail.includes("no changesets were found")) return { changesets: [], releases: [] };
    throw new Error(`\`changeset status\` failed in ${root}:\n${detail}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function check({ root, changeset }) {
  const status = changesetStatus(root, changeset);
  const pending = new Map(status.releases.map((r) => [r.name, r.type]));
  const named = new Set(status.changesets.flatMap((c) => c.releases.map((r) => r.name)));
  const emptySummaries = status.changesets.filter((c) => c.releases.length === 0).map((c) => c.summary);
  const results = [];
  for (const entry of readdirSync(join(root, "packages"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = `packages/${entry.name}`;
    const manifestPath = join(root, dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private) continue;
    const baseline = releaseBaseline(root, dir);
    if (baseline === undefined) {
      results.push({ name: manifest.name, ok: true, message: "not committed yet: nothing to compare" });
      continue;
    }
    const reportPath = `${dir}/etc/${entry.name}.api.md`;
    const current = existsSync(join(root, reportPath)) ? readFileSync(join(root, reportPath), "utf8") : undefined;
    const change = classify(fileAt(root, baseline, reportPath), current, manifest.mirage?.api === "implemented");
    const needed = requiredLevel(change, manifest.version);
    const given = pending.get(manifest.name) ?? "none";
    const srcChanged = git(root, ["diff", "--name-only", baseline, "--", `${dir}/src`]).trim() !== "";
    const waived = emptySummaries.some((s) => s.includes(manifest.name));
    const problems = [];
    if (LEVELS.indexOf(given) < LEVELS.indexOf(needed))
      problems.push(`api ${change}; needs ${needed}, changeset gives ${given}`);
    if (srcChanged && !named.has(manifest.name) && !waived)
      problems.push(
        `src/ changed since ${baseline.slice(0, 8)} but no changeset names it ` +
          `(add one with \`pnpm changeset\`, or \`pnpm changeset --empty\` whose summary names ${manifest.name})`,
      );
    results.push({
      name: manifest.name,
      ok: problems.length === 0,
      message: problems.length > 0 ? problems.join("; ") : `api ${change}, pending ${given}`,
    });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let results;
  try {
    results = check(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(`check-api-bump: ${error.message}`);
    process.exit(2);
  }
  for (const r of results) console.log(`${r.name}: ${r.message} -> ${r.ok ? "ok" : "FAIL"}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
