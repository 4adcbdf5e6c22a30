/**
 * The log sources of a runtime, the global threshold and the reporter (Logs' global state), and
 * `setLevel`, which applies `-l` thresholds as Mirage does.
 *
 * @packageDocumentation
 */

import { type LogLevel, type MessageLevel, levelEnabled } from "./log-level.js";
import type { LogEvent, LogMessage, LogOptions, LogSource, Reporter } from "./log-source.js";
import type { LogThreshold } from "./log-threshold.js";
import type { Output } from "./output.js";

class Source implements LogSource {
  readonly name: string;
  readonly doc: string;
  level: LogLevel;
  readonly #registry: LogRegistry;

  constructor(name: string, doc: string, level: LogLevel, registry: LogRegistry) {
    this.name = name;
    this.doc = doc;
    this.level = level;
    this.#registry = registry;
  }

  enabled(level: MessageLevel): boolean {
    return levelEnabled(this.level, level);
  }

  msg(level: MessageLevel, message: LogMessage, options: LogOptions = {}): void {
    if (!this.enabled(level)) return;
    const event: LogEvent = {
      source: this.name,
      level,
      message: typeof message === "string" ? message : message(),
      ...options,
    };
    this.#registry.reporter(event);
  }

  app(message: LogMessage, options?: LogOptions): void {
    this.msg("app", message, options);
  }

  err(message: LogMessage, options?: LogOptions): void {
    this.msg("error", message, options);
  }

  warn(message: LogMessage, options?: LogOptions): void {
    this.msg("warning", message, options);
  }

  info(message: LogMessage, options?: LogOptions): void {
    this.msg("info", message, options);
  }

  debug(message: LogMessage, options?: LogOptions): void {
    this.msg("debug", message, options);
  }
}

/**
 * The log sources of one runtime. Messages go nowhere until a reporter is set, as with Logs; the
 * global threshold starts at `info`, Mirage's default.
 *
 * @public
 */
export class LogRegistry {
  readonly #sources = new Map<string, Source>();
  #level: LogLevel = "info";

  /** Receives the messages that pass their source's threshold; discards them by default. */
  reporter: Reporter = () => {};

  /** The global threshold, given to sources when they are created. */
  get level(): LogLevel {
    return this.#level;
  }

  /**
   * The source named `name`, created on first use with the global threshold. Every module asking
   * for the same name shares one source (and its threshold); the first `doc` given is kept.
   */
  source(name: string, doc = "undocumented"): LogSource {
    let source = this.#sources.get(name);
    if (source === undefined) {
      source = new Source(name, doc, this.#level, this);
      this.#sources.set(name, source);
    }
    return source;
  }

  /** Every source, in creation order. */
  sources(): readonly LogSource[] {
    return [...this.#sources.values()];
  }

  /**
   * Applies `-l` thresholds (Mirage_runtime's `set_level ~default`): the first `*` or bare level, else
   * `defaultLevel`, becomes the global threshold and every source's; then each `source:level` sets
   * that source. A source that does not exist (yet) is reported on `output.out` as
   * `WARNING: <source> is not a valid log source.`
   */
  setLevel(defaultLevel: LogLevel, thresholds: readonly LogThreshold[], output: Output): void {
    const all = thresholds.find((threshold) => threshold.kind === "all");
    this.#level = all?.level ?? defaultLevel;
    for (const source of this.#sources.values()) source.level = this.#level;
    for (const threshold of thresholds) {
      if (threshold.kind === "all") continue;
      const source = this.#sources.get(threshold.source);
      if (source === undefined) {
        output.out(`WARNING: ${threshold.source} is not a valid log source.\n`);
      } else {
        source.level = threshold.level;
      }
    }
  }
}
