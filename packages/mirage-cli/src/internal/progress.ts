/**
 * The steps of `mirage build` as the user sees them. On a terminal (standard output and error are
 * terminals and `CI` is not set), each step shows while it runs and is rewritten in place with its
 * outcome and time: `[1/2] Type-checking mirage/main.ts (TypeScript 7.0.2) ✓ 0.41 s`. On CI or
 * through a pipe the output stays plain: the steps are log lines, shown with `-v`.
 */

/** Where and how the steps are shown. */
export interface ProgressOptions {
  /** A terminal, not CI: show the steps in place. */
  readonly interactive: boolean;
  /** `-q`: show nothing. */
  readonly quiet: boolean;
  /** Writes to the terminal (standard error). */
  write(text: string): void;
  /** Logs a line shown with `-v` (the plain output). */
  log(message: string): void;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: (() => number) | undefined;
  /** Colours for the terminal. */
  readonly color?: boolean | undefined;
}

/** How a step ended: whether it succeeded, and what to add after its time. */
export interface StepOutcome {
  readonly ok: boolean;
  readonly detail?: string | undefined;
}

/** Whether the output goes to a terminal a person watches: both streams are terminals and not on CI. */
export function isInteractive(
  stdout: { readonly isTTY?: boolean | undefined },
  stderr: { readonly isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI.toLowerCase() !== "false";
  return stdout.isTTY === true && stderr.isTTY === true && !ci;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The steps of one command. */
export class Progress {
  readonly #options: ProgressOptions;
  readonly #total: number;
  #index = 0;

  constructor(options: ProgressOptions, total: number) {
    this.#options = options;
    this.#total = total;
  }

  /**
   * Runs one step labelled `label` (`Type-checking mirage/main.ts`), then shows its outcome; a
   * rejection ends the line before it propagates.
   */
  async step(label: string, run: () => Promise<StepOutcome>): Promise<StepOutcome> {
    const { interactive, quiet, write, color = false } = this.#options;
    const now = this.#options.now ?? (() => performance.now());
    this.#index += 1;
    const prefix = `[${this.#index}/${this.#total}] ${label}`;
    const show = interactive && !quiet;
    const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
    if (show) write(`${prefix}…`);
    const started = now();
    const finish = (outcome: StepOutcome): void => {
      const time = seconds(now() - started);
      const detail = outcome.detail === undefined ? "" : `, ${outcome.detail}`;
      if (show) {
        const mark = outcome.ok ? paint("32", "✓") : paint("31", "✗");
        write(`\r\u001b[2K${prefix} ${mark} ${paint("2", `${time}${detail}`)}\n`);
      } else if (!quiet) {
        this.#options.log(`${prefix}: ${outcome.ok ? "done" : "failed"} in ${time}${detail}`);
      }
    };
    try {
      const outcome = await run();
      finish(outcome);
      return outcome;
    } catch (e) {
      finish({ ok: false });
      throw e;
    }
  }
}
