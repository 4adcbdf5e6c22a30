// Reads a guide's commands as the reader sees them: its fenced `sh` blocks in order, and the `text`
// blocks after them (what the commands print). Words after `sh` in a fence's info string, which
// Markdown shows to no reader, tell the test how to run a block: `service` for a program that keeps
// running (the reader's "from another terminal" follows), `netns` for one that runs in the test's
// network namespace (a tap device, or a server port of its own).

/** One fenced block of commands. */
export interface GuideStep {
  /** 1-based line of the fence in the guide. */
  readonly line: number;
  readonly commands: readonly string[];
  readonly service: boolean;
  readonly netns: boolean;
  /** The lines of the `text` blocks that follow, which the commands' output must contain. */
  readonly expected: string[];
}

/** The steps of `markdown`, in order. */
export function guideSteps(markdown: string): GuideStep[] {
  const steps: GuideStep[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const body: string[] = [];
    const start = i;
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    const [language, info = ""] = [open[1], open[2]];
    if (language === "sh") {
      const tags = info.trim().split(/\s+/);
      steps.push({
        line: start + 1,
        // A command's own comment (`cmd   # why`) is for the reader.
        commands: body.map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== ""),
        service: tags.includes("service"),
        netns: tags.includes("netns"),
        expected: [],
      });
    } else if (language === "text" && steps.length > 0) {
      steps[steps.length - 1]!.expected.push(...body.filter((l) => l.trim() !== ""));
    }
  }
  return steps;
}
