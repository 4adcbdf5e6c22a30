/**
 * The `mirage` command: functoria's tool driver with the `mirage` builder, the host's file
 * system, the `config.ts` loader and the SVG renderer of `describe --dot`.
 *
 * @packageDocumentation
 */

import { ExitCode, runTool } from "@mirage-ts/functoria";
import { mirageBuilder } from "./builder.js";
import { configLocation } from "./internal/config-frames.js";
import { loadConfig } from "./internal/load-config.js";
import { NodeFileSystem } from "./internal/node-fs.js";
import { svgRenderer } from "./internal/svg-renderer.js";
import { defaultTargetError } from "./keys.js";

/**
 * Options of {@link runMirage}.
 *
 * @public
 */
export interface MirageRunOptions {
  /** Environment variables (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Standard output (default `process.stdout`). */
  readonly stdout?: (text: string) => void;
  /** Standard error (default `process.stderr`). */
  readonly stderr?: (text: string) => void;
}

/**
 * Runs `mirage` in the current directory with the command line `argv` (without the program name)
 * and resolves to its exit code: 0 on success, 1 on an action error (a missing `config.ts`, a build that fails),
 * 123 when the configuration cannot be loaded or evaluated, 124 on a command-line error.
 *
 * @public
 */
export async function runMirage(argv: readonly string[], options: MirageRunOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const invalid = defaultTargetError(env);
  if (invalid !== undefined) {
    stderr(`${mirageBuilder.name}: ${invalid}\n`);
    return ExitCode.actionError;
  }
  return runTool({
    builder: mirageBuilder,
    argv,
    fs: new NodeFileSystem(process.cwd()),
    io: { stdout, stderr },
    env,
    loadApp: loadConfig,
    svgRenderer,
    locateError: configLocation,
  });
}
