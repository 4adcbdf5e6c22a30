// Keeps what the registry shows of each published package right: a LICENSE that matches its
// package.json, and a README whose relative links lead to files of the published tarball (npm has no
// repository to resolve anything else against). The repository's own documents never link outside it.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly license?: string;
}

interface Package {
  readonly dir: string;
  readonly manifest: Manifest;
}

const published: readonly Package[] = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, "packages", entry.name, "package.json")))
  .map((entry) => {
    const dir = join(root, "packages", entry.name);
    return { dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest };
  })
  .filter(({ manifest }) => manifest.private !== true);

// The sentence that grants each license, by SPDX identifier, compared with whitespace collapsed.
const LICENSE_GRANTS: Readonly<Record<string, string>> = {
  ISC: [
    "Permission to use, copy, modify, and/or distribute this software for any purpose",
    "with or without fee is hereby granted",
  ].join(" "),
};

/** The files `npm pack` would publish from `dir`, as paths relative to it with `/` separators. */
async function tarballFiles(dir: string): Promise<ReadonlySet<string>> {
  // --ignore-scripts: packing runs the prepack and prepare hooks, and listing must not build anything.
  const args = ["pack", "--dry-run", "--json", "--ignore-scripts"];
  const { stdout } = await promisify(execFile)("npm", args, { cwd: dir });
  const [pack] = JSON.parse(stdout) as [{ readonly files: readonly { readonly path: string }[] }];
  return new Set(pack.files.map((file) => file.path));
}

interface Line {
  /** 1-based. */
  readonly number: number;
  readonly text: string;
}

/** The lines of a Markdown text outside fenced code blocks. */
function proseLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker !== undefined) fence = marker;
    else if (fence !== undefined && marker?.startsWith(fence) === true) fence = undefined;
    else if (fence === undefined) lines.push({ number: index + 1, text });
  });
  return lines;
}

interface Link {
  readonly line: number;
  readonly target: string;
}

/** The targets of inline links, images, reference definitions and HTML links, outside code. */
function markdownLinks(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { number, text } of proseLines(markdown)) {
    // Code spans can hold `](` (TypeScript, shell); blanking them keeps the other columns in place.
    const prose = text.replace(/(`+)[\s\S]*?\1/g, (span) => " ".repeat(span.length));
    const patterns = [
      /\]\(\s*<?([^\s)>]+)/g,
      /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)/g,
      /<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']*)["']/gi,
    ];
    for (const pattern of patterns) {
      for (const match of prose.matchAll(pattern)) links.push({ line: number, target: match[1]! });
    }
  }
  return links;
}

/** The anchors of a Markdown text's headings, slugged as GitHub does. */
function headingAnchors(markdown: string): ReadonlySet<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Where a link without a scheme leads, relative to `base` with `/` separators. */
function linkPath(base: string, from: string, target: string): string {
  const path = decodeURIComponent(target.replace(/[?#].*$/s, ""));
  return relative(base, resolve(from, path)).split(sep).join("/");
}

const leaves = (path: string): boolean => path === ".." || path.startsWith("../");

/**
 * What is wrong with each relative link of a document, as `<label>:<line>: <target> <problem>`.
 * `check` judges a link to a file, given its path relative to `base`.
 */
function linkProblems(
  file: string,
  label: string,
  base: string,
  check: (path: string) => string | undefined,
): string[] {
  const markdown = readFileSync(file, "utf8");
  const anchors = headingAnchors(markdown);
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(markdown)) {
    if (ABSOLUTE.test(target)) continue;
    const problem = target.startsWith("#")
      ? anchors.has(decodeURIComponent(target.slice(1)))
        ? undefined
        : "names no heading of the document"
      : check(linkPath(base, dirname(file), target));
    if (problem !== undefined) problems.push(`${label}:${line}: ${target} ${problem}`);
  }
  return problems;
}

describe("published packages", () => {
  const tarballs = new Map<string, ReadonlySet<string>>();
  // `npm pack` takes a second or two per package, more on a loaded machine: all of them at once.
  beforeAll(async () => {
    const listed = await Promise.all(published.map(async ({ dir }) => [dir, await tarballFiles(dir)] as const));
    for (const [dir, files] of listed) tarballs.set(dir, files);
  }, 120_000);

  it("are found", () => {
    expect(published.map(({ manifest }) => manifest.name)).toContain("@mirage-ts/mirage-types");
  });

  describe.each(published)("$manifest.name", ({ dir, manifest }) => {
    const tarball = (): ReadonlySet<string> => tarballs.get(dir)!;

    it("ships a LICENSE with the text of its package.json license", () => {
      const license = manifest.license ?? "(none)";
      const grant = LICENSE_GRANTS[license];
      expect(grant, `${manifest.name}: no known text for the license ${license}`).toBeDefined();
      const path = join(dir, "LICENSE");
      expect(existsSync(path), `${manifest.name}: ${relative(root, path)} is missing`).toBe(true);
      const text = readFileSync(path, "utf8").replace(/\s+/g, " ");
      expect(text.includes(grant!), `${manifest.name}: LICENSE is not the ${license} text`).toBe(true);
      expect(tarball().has("LICENSE"), `${manifest.name}: npm pack leaves LICENSE out`).toBe(true);
    });

    it("ships a README whose relative links resolve inside the tarball", () => {
      const readme = join(dir, "README.md");
      expect(existsSync(readme), `${manifest.name}: README.md is missing`).toBe(true);
      expect(tarball().has("README.md"), `${manifest.name}: npm pack leaves README.md out`).toBe(true);
      const problems = linkProblems(readme, `${manifest.name} README.md`, dir, (path) => {
        if (leaves(path)) return "leaves the package (link to npmjs.com, or name a repository path in plain text)";
        if (!existsSync(join(dir, path))) return "does not exist";
        return tarball().has(path) ? undefined : "is not in the published tarball (npm pack --dry-run)";
      });
      expect(problems).toEqual([]);
    });
  });
});

describe("the repository's documents", () => {
  it.each(["README.md", "docs/architecture.md"])("%s links only to files inside the repository", (document) => {
    const problems = linkProblems(join(root, document), document, root, (path) => {
      if (leaves(path)) return "leaves the repository";
      return existsSync(join(root, path)) ? undefined : "does not exist";
    });
    expect(problems).toEqual([]);
  });
});
