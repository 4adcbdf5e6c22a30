/**
 * File-system and process effects as data (upstream `Functoria.Action`). The engine never
 * touches a disk: it builds actions, and an interpreter runs them, either on a real
 * `FileSystem` supplied by the tool or on an in-memory one for `--dry-run` and tests.
 *
 * @packageDocumentation
 */

/**
 * One primitive effect. Paths are relative to the current directory of the interpreter (changed
 * by `withDir`) unless absolute.
 *
 * @public
 */
export type Command =
  | { readonly op: "rm"; readonly path: string }
  | { readonly op: "rmdir"; readonly path: string }
  | { readonly op: "mkdir"; readonly path: string }
  | { readonly op: "ls"; readonly path: string }
  | { readonly op: "isFile"; readonly path: string }
  | { readonly op: "isDir"; readonly path: string }
  | { readonly op: "readFile"; readonly path: string }
  | { readonly op: "writeFile"; readonly path: string; readonly contents: string }
  | { readonly op: "withDir"; readonly path: string; readonly body: () => Action<unknown> }
  | { readonly op: "pwd" }
  | { readonly op: "tmpFile"; readonly pattern: string }
  | { readonly op: "runCmd"; readonly argv: readonly string[] };

/**
 * The output of a command run by {@link Action.runCmd}.
 *
 * @public
 */
export interface CommandOutput {
  /** Standard output. */
  readonly out: string;
  /** Standard error. */
  readonly err: string;
}

/** The internal steps of an action (not exported by the package). */
export type Step<A> =
  | { readonly tag: "done"; readonly value: A }
  | { readonly tag: "fail"; readonly message: string }
  | { readonly tag: "run"; readonly command: Command; readonly next: (result: unknown) => Action<A> }
  | { readonly tag: "defer"; readonly thunk: () => Action<A> };

/**
 * An effectful computation returning an `A`, or failing with a message.
 * Build it with the static constructors and combine it with {@link Action.bind}, {@link Action.seq}
 * or, most readably, {@link Action.gen}:
 *
 * @example
 * ```ts
 * const touch = (path: string) =>
 *   Action.gen(function* () {
 *     if (!(yield* Action.isFile(path))) yield* Action.writeFile(path, "");
 *   });
 * ```
 * @public
 */
export class Action<out A> {
  private constructor(private readonly step: Step<A>) {}

  /** An action that returns `value`. */
  static ok<A>(value: A): Action<A> {
    return new Action({ tag: "done", value });
  }

  /** An action that fails with `message` (the tool prints it and exits with 1). */
  static fail(message: string): Action<never> {
    return new Action<never>({ tag: "fail", message });
  }

  /** Runs `command`; its result is returned. */
  private static command<R>(command: Command): Action<R> {
    return new Action<R>({ tag: "run", command, next: (r) => Action.ok(r as R) });
  }

  /** Removes a file: `Rm path (removed|no-op|error)`; removing a directory is an error. */
  static rm(path: string): Action<void> {
    return Action.command({ op: "rm", path });
  }

  /** Removes a directory and its contents: `Rmdir path (removed|no-op)`. */
  static rmdir(path: string): Action<void> {
    return Action.command({ op: "rmdir", path });
  }

  /** Creates a directory and its parents; true if it was created. */
  static mkdir(path: string): Action<boolean> {
    return Action.command({ op: "mkdir", path });
  }

  /** The entry names of a directory (sorted), or `[path]` for a file. */
  static ls(path: string): Action<readonly string[]> {
    return Action.command({ op: "ls", path });
  }

  /** Whether `path` is a file. */
  static isFile(path: string): Action<boolean> {
    return Action.command({ op: "isFile", path });
  }

  /** Whether `path` is a directory. */
  static isDir(path: string): Action<boolean> {
    return Action.command({ op: "isDir", path });
  }

  /** The contents of a file. */
  static readFile(path: string): Action<string> {
    return Action.command({ op: "readFile", path });
  }

  /** Writes (creates or replaces) a file. */
  static writeFile(path: string, contents: string): Action<void> {
    return Action.command({ op: "writeFile", path, contents });
  }

  /** Runs `body` with `path` as the current directory. */
  static withDir<A>(path: string, body: () => Action<A>): Action<A> {
    return Action.command({ op: "withDir", path, body });
  }

  /** The current directory (absolute). */
  static pwd(): Action<string> {
    return Action.command({ op: "pwd" });
  }

  /** A fresh temporary file path; `pattern` contains `%s`, replaced by a unique part. */
  static tmpFile(pattern: string): Action<string> {
    return Action.command({ op: "tmpFile", pattern });
  }

  /** Runs a program (`argv[0]`) and returns its output; a missing program or failure fails. */
  static runCmd(argv: readonly string[]): Action<CommandOutput> {
    if (argv.length === 0) throw new TypeError("Action.runCmd: the command line is empty");
    return Action.command({ op: "runCmd", argv });
  }

  /** Delays building an action until it runs (so it is rebuilt on each run). */
  static defer<A>(thunk: () => Action<A>): Action<A> {
    return new Action({ tag: "defer", thunk });
  }

  /** Runs the actions in order, stopping at the first failure. */
  static seq(actions: readonly Action<unknown>[]): Action<void> {
    return actions.reduceRight<Action<void>>((rest, a) => a.bind(() => rest), Action.ok(undefined));
  }

  /**
   * Builds an action from a generator, where `yield* action` runs an action and returns its
   * result. The generator is restarted on each run of the action.
   */
  static gen<A>(body: () => Generator<Action<unknown>, A, unknown>): Action<A> {
    return Action.defer(() => {
      const iterator = body();
      const step = (input: unknown): Action<A> => {
        const next = iterator.next(input);
        return next.done === true ? Action.ok(next.value) : next.value.bind(step);
      };
      return step(undefined);
    });
  }

  /** Runs this action, then `f` of its result. */
  bind<B>(f: (value: A) => Action<B>): Action<B> {
    const step = this.step;
    switch (step.tag) {
      case "done":
        return Action.defer(() => f(step.value));
      case "fail":
        return new Action<B>(step);
      case "run":
        return new Action<B>({ tag: "run", command: step.command, next: (r) => step.next(r).bind(f) });
      case "defer":
        return new Action<B>({ tag: "defer", thunk: () => step.thunk().bind(f) });
    }
  }

  /** Maps the result. */
  map<B>(f: (value: A) => B): Action<B> {
    return this.bind((a) => Action.ok(f(a)));
  }

  /** Lets `yield* action` run the action inside {@link Action.gen}. */
  *[Symbol.iterator](): Generator<Action<unknown>, A, unknown> {
    return (yield this) as A;
  }
}

/** The steps of an action, for the interpreter (not exported by the package). */
export function stepOf<A>(action: Action<A>): Step<A> {
  /* biome-ignore lint/complexity/useLiteralKeys: element access reaches the private field; only the interpreter
     needs it. */
  return action["step"];
}
