// `mirage describe --dot` in a configured copy of an example: the graph drawn as SVG by Graphviz
// compiled to WebAssembly (no program installed), its dot text on stdout or in a file, and a viewer
// given with --dot-command run on a temporary file that does not outlive the command.
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_MS } from "./support/limits.js";
import { exampleCopy, mirage, removeProject } from "./support/project.js";

interface Vertex {
  readonly id: string;
  readonly lines: readonly string[];
}

/** The vertices of `describe --dot`'s text: their ids and label lines. */
function dotVertices(dot: string): Vertex[] {
  return [...dot.matchAll(/^ {2}(\d+) \[label="((?:[^"\\]|\\.)*)"/gmu)].map((m) => ({
    id: m[1] ?? "",
    lines: (m[2] ?? "").split("\\n").filter((line) => line !== ""),
  }));
}

interface SvgText {
  readonly "#text": string;
}

interface SvgGroup {
  readonly class?: string;
  readonly title?: string;
  readonly text?: readonly SvgText[];
  readonly g?: readonly SvgGroup[];
}

/** The node groups of Graphviz's SVG: their titles (the dot ids) and text lines. */
function svgVertices(svg: string): Vertex[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    isArray: (name) => name === "g" || name === "text",
  });
  const document = parser.parse(svg) as { svg: { g: readonly SvgGroup[] } };
  const groups = document.svg.g.flatMap((graph) => graph.g ?? []);
  return groups
    .filter((g) => g.class === "node")
    .map((g) => ({ id: g.title ?? "", lines: (g.text ?? []).map((t) => t["#text"]) }));
}

describe("describe --dot of the network example on the direct stack", { timeout: COMMAND_MS * 8 }, () => {
  let dir = "";
  let dot = "";
  beforeAll(async () => {
    dir = await exampleCopy("network");
    expect(await mirage(dir, ["configure", "-t", "unix", "--net=direct"])).toMatchObject({ code: 0, stderr: "" });
    const printed = await mirage(dir, ["describe", "--dot", "-o", "-"]);
    expect(printed).toMatchObject({ code: 0, stderr: "" });
    dot = printed.stdout.slice(printed.stdout.indexOf("digraph G {"));
  }, COMMAND_MS * 2);
  afterAll(() => removeProject(dir));

  it("draws -o graph.svg as valid XML with one node per device, labelled as in the dot text", async () => {
    expect(await mirage(dir, ["describe", "--dot", "-o", "graph.svg"])).toMatchObject({ code: 0, stderr: "" });
    const svg = await readFile(join(dir, "graph.svg"), "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    const devices = dotVertices(dot);
    expect(devices.map((d) => d.lines[0])).toEqual(
      expect.arrayContaining(["netif__10", "timers__11", "directstack__12", "network__13", "mirage__14"]),
    );
    expect(dot.match(/shape="box"/gu)).toHaveLength(devices.length);
    expect(svgVertices(svg)).toEqual(devices);
  });

  it("writes the dot text to -o graph.dot, and prints it without -o", async () => {
    expect(await mirage(dir, ["describe", "--dot", "-o", "graph.dot"])).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(join(dir, "graph.dot"), "utf8")).toBe(dot);
    const printed = await mirage(dir, ["describe", "--dot"]);
    expect(printed).toMatchObject({ code: 0, stderr: "" });
    expect(printed.stdout.endsWith(`\n${dot}`)).toBe(true);
  });

  it("runs --dot-command on a temporary dot file and leaves nothing in the temporary folder", async () => {
    const temporary = await mkdtemp(join(tmpdir(), "mirage-describe-tmp-"));
    try {
      const env = { TMPDIR: temporary };
      const shown = await mirage(dir, ["describe", "--dot", "--dot-command=cat"], env);
      expect(shown).toMatchObject({ code: 0, stderr: "" });
      expect(shown.stdout.endsWith(`\n${dot}`)).toBe(true);
      const failed = await mirage(dir, ["describe", "--dot", "--dot-command=false"], env);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^mirage: 'false \S+\/graph-\d+-[0-9a-f]+\.dot' failed/u);
      const missing = await mirage(dir, ["describe", "--dot", "--dot-command=no-such-viewer-here"], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^mirage: 'no-such-viewer-here \S+\.dot' not found\n$/u);
      expect(await readdir(temporary)).toEqual([]);
    } finally {
      await removeProject(temporary);
    }
  });
});
