// docs/getting-started.md as a reader runs it: every command of its `sh` blocks, as written, in a fresh
// folder outside the workspace, with npm pointed at the test registry; what its `text` blocks show must
// be printed. The blocks that serve or use a tap run in a network namespace of the test's own (port
// 8080 and tap0 are then the guide's, whatever the host runs), so the test needs root.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Namespace, type Service, itRequiring, missingNamespaces, startService } from "@mirage-ts/test-support";
import { afterAll, describe, expect } from "vitest";
import { type Published, remove, root } from "../consumers/harness.js";
import { guideSteps } from "./guide.js";

const GUIDE = join(root, "docs", "getting-started.md");
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The suite, on the packages `published()` gives once the registry is up. */
export function gettingStarted(published: () => Published): void {
  describe("docs/getting-started.md", () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach(remove));

    itRequiring(
      missingNamespaces("curl", "ping"),
      "runs as written, up to the direct stack on a tap",
      { timeout: 900_000 },
      async () => {
        const { registry } = published();
        const steps = guideSteps(readFileSync(GUIDE, "utf8"));
        expect(steps.filter((s) => s.netns && s.service)).toHaveLength(2);
        let cwd = mkdtempSync(join(tmpdir(), "mirage-guide-"));
        dirs.push(cwd);
        // IPv6 on, as in the reader's own namespace.
        const ns = Namespace.create("mirage-guide", { ipv6: true });
        const services: Service[] = [];
        try {
          for (const step of steps) {
            const where = `getting-started.md:${step.line}`;
            const argv = (command: string) =>
              step.netns ? ["ip", "netns", "exec", ns.name, "bash", "-c", command] : ["bash", "-c", command];
            if (step.service) {
              expect(step.commands, where).toHaveLength(1);
              const [file, ...args] = argv(step.commands[0]!);
              const service = startService(file!, args, { cwd, env: registry.env, group: true });
              services.push(service);
              for (const line of step.expected) await service.waitFor(new RegExp(literal(line)));
              continue;
            }
            let output = "";
            for (const command of step.commands) {
              const cd = /^cd (\S+)$/.exec(command);
              if (cd !== null) {
                cwd = resolve(cwd, cd[1]!);
                continue;
              }
              const [file, ...args] = argv(command);
              try {
                output += execFileSync(file!, args, { cwd, env: registry.env, encoding: "utf8", stdio: "pipe" });
              } catch (error) {
                const e = error as { stdout?: string; stderr?: string };
                throw new Error(`${where}: ${command} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
              }
            }
            for (const line of step.expected) expect(output, where).toContain(line);
          }
        } finally {
          for (const service of services) await service.stop();
          await ns.remove();
        }
      },
    );
  });
}
