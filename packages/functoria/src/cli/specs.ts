/**
 * The option specifications of the tool's command line: the common options, those of each
 * sub-command, and one option per configure-time key.
 */

import { info, opt, optionName } from "@mirage-ts/cmdliner";
import type { Generator } from "../codegen/filegen.js";
import { conv, formatAlternatives } from "../dsl/converter.js";
import { type AnyKey, keyDefault, printKeyValue } from "../dsl/key.js";
import type { CommandDoc, CommandLineSettings, CommandName } from "./command-line.js";
import type { OptionSpec } from "./options.js";

export const S_COMMON = "COMMON OPTIONS";
export const S_CONFIGURE = "CONFIGURE OPTIONS";
export const S_DESCRIBE = "DESCRIBE OPTIONS";
export const S_OPTIONS = "OPTIONS";

/** The words of `--color`. */
export const COLORS = ["auto", "always", "never"] as const;
/** The words of `--verbosity`. */
export const VERBOSITIES = ["quiet", "error", "warning", "info", "debug"] as const;

/** An option taking one of `words` (a unique prefix accepted), `fallback` when absent. */
function wordArg(name: string, words: readonly string[], fallback: string) {
  return opt(conv.enumeration(words.map((word) => [word, word] as const)), fallback, info([name]));
}

export const COMMANDS: readonly CommandName[] = ["clean", "configure", "describe", "help", "query"];

/** The options every sub-command accepts (upstream `Cli.args` and the setup options). */
export function commonSpecs(tool: Generator, defaultConfigFile: string): OptionSpec[] {
  return [
    {
      id: "color",
      names: ["color"],
      value: "required",
      section: S_COMMON,
      docv: "WHEN",
      absent: "auto",
      doc: "Colorize the output. WHEN must be one of auto, always or never.",
      arg: wordArg("color", COLORS, "auto"),
    },
    {
      id: "quiet",
      names: ["q", "quiet"],
      value: "none",
      section: S_COMMON,
      doc: "Be quiet. Takes over -v and --verbosity.",
    },
    {
      id: "verbose",
      names: ["v", "verbose"],
      value: "none",
      repeatable: true,
      section: S_COMMON,
      doc: "Increase verbosity. Repeatable, but more than twice does not bring more.",
    },
    {
      id: "verbosity",
      names: ["verbosity"],
      value: "required",
      section: S_COMMON,
      docv: "LEVEL",
      absent: "warning",
      doc: "Be more or less verbose. LEVEL must be one of quiet, error, warning, info or debug. Takes over -v.",
      arg: wordArg("verbosity", VERBOSITIES, "warning"),
    },
    {
      id: "config-file",
      names: ["f", "file", "config-file"],
      value: "required",
      section: S_CONFIGURE,
      docv: "FILE",
      absent: defaultConfigFile,
      doc: "The configuration file to use.",
    },
    {
      id: "context-file",
      names: ["context-file"],
      value: "required",
      section: S_CONFIGURE,
      docv: "FILE",
      absent: `${tool.name}/context`,
      doc:
        "The context file to use (relative to the current directory; by default in the generated directory next to " +
        "the configuration file).",
    },
    {
      id: "dry-run",
      names: ["dry-run"],
      value: "none",
      section: S_CONFIGURE,
      doc: "Display I/O actions instead of executing them.",
    },
    {
      id: "output",
      names: ["o", "output"],
      value: "required",
      section: S_CONFIGURE,
      docv: "FILE",
      doc: "Name of the output file.",
    },
    {
      id: "help",
      names: ["help"],
      value: "optional",
      section: S_OPTIONS,
      docv: "FMT",
      defaultValue: "auto",
      doc:
        "Show this help in format FMT. The value FMT must be one of auto, pager, groff or plain; " +
        "the text is plain in every case.",
    },
    { id: "version", names: ["version"], value: "none", section: S_OPTIONS, doc: "Show version information." },
  ];
}

export const EVAL_SPECS: readonly OptionSpec[] = [
  {
    id: "eval",
    names: ["eval"],
    value: "none",
    section: S_DESCRIBE,
    doc: "Fully evaluate the graph before showing it. The default when the unikernel has already been configured.",
  },
  {
    id: "no-eval",
    names: ["no-eval"],
    value: "none",
    section: S_DESCRIBE,
    doc:
      "Do not evaluate the graph before showing it. See --eval. " +
      "The default when the unikernel has not been configured.",
  },
];

export const DOT_SPECS: readonly OptionSpec[] = [
  {
    id: "dot",
    names: ["dot"],
    value: "none",
    section: S_DESCRIBE,
    doc:
      "Output the device graph. With -o FILE.svg it is drawn as an SVG image (by Graphviz compiled to " +
      "WebAssembly: no program to install); with -o FILE it is written as dot text, and -o - prints it. " +
      "Without -o, it is shown with the command given to --dot-command, or printed as dot text if none is given.",
  },
  {
    id: "dot-command",
    names: ["dot-command"],
    value: "required",
    section: S_DESCRIBE,
    docv: "COMMAND",
    doc:
      "Command used to show the dot file of the graph when no -o is given (for example xdot). It receives the " +
      "name of a temporary file, removed when the tool exits.",
  },
];

export function keyId(k: AnyKey): string {
  return `key:${k.name}`;
}

/** One option per key name (keys sharing a name share a context entry). */
export function keySpecs(keys: readonly AnyKey[], taken: ReadonlySet<string>): OptionSpec[] {
  const seen = new Set<string>();
  const specs: OptionSpec[] = [];
  for (const k of keys) {
    if (seen.has(k.name)) continue;
    seen.add(k.name);
    for (const name of k.arg.info.names) {
      if (taken.has(name))
        throw new TypeError(`the option name ${optionName(name)} of key ${k.name} is already used by the tool`);
    }
    const { info } = k.arg;
    specs.push({
      id: keyId(k),
      names: info.names,
      value: k.arg.syntax === "flag" ? "none" : k.arg.syntax === "optional-value" ? "optional" : "required",
      repeatable: k.arg.kind === "optAll" || k.arg.kind === "flagAll",
      section: info.docs ?? "APPLICATION OPTIONS",
      docv: k.arg.docv,
      doc: k.arg.kind === "required" ? `${info.doc ?? ""} This key is required.`.trim() : info.doc,
      absent: k.arg.kind === "opt" ? printKeyValue(k, keyDefault(k)) : undefined,
      env: info.env,
    });
  }
  return specs;
}

export interface CommandDef {
  readonly doc: string;
  readonly description: readonly string[];
  readonly extra: readonly OptionSpec[];
  readonly positional?: { readonly docv: string; readonly doc: string } | undefined;
}

/** The documentation, options and positional argument of each sub-command, the tool's own included. */
export function commandDefs(
  tool: string,
  queryKinds: readonly string[],
  extra: readonly CommandDoc[] = [],
): Record<string, CommandDef> {
  const defs: Record<string, CommandDef> = {
    configure: {
      doc: `Configure a ${tool} application.`,
      description: [`The configure command initializes a fresh ${tool} application.`],
      extra: [],
    },
    query: {
      doc: `Query information about the ${tool} application.`,
      description: [`The query command queries information about the ${tool} application.`],
      extra: [],
      positional: {
        docv: "INFO",
        doc:
          `The information to query. INFO must be ${formatAlternatives(queryKinds)} ` +
          `(default ${queryKinds[0] ?? ""}).`,
      },
    },
    describe: {
      doc: `Describe a ${tool} application.`,
      description: [
        `The describe command describes the configuration of a ${tool} application.`,
        "The dot output contains the following elements: " +
          "If vertices, labelled If: branches are dotted, and the default branch is in bold. " +
          "Devices, represented as boxes: the order of the output arrows is the order of the functor arguments. " +
          "Data dependencies, represented as dashed arrows. " +
          "App vertices, represented as diamonds: the bold arrow is the functor part.",
      ],
      extra: [...EVAL_SPECS, ...DOT_SPECS],
    },
    clean: {
      doc: `Clean the files produced by ${tool} for a given application.`,
      description: [`Clean the files produced by ${tool} for a given application.`],
      extra: [],
    },
    help: {
      doc: `Display help about ${tool} commands.`,
      description: ["Prints help.", `Use \`${tool} help topics' to get the full list of help topics.`],
      extra: EVAL_SPECS,
      positional: { docv: "TOPIC", doc: "The topic to get help on." },
    },
  };
  for (const command of extra) {
    if (Object.hasOwn(defs, command.name) || !/^[a-z][a-z0-9-]*$/u.test(command.name)) {
      throw new TypeError(
        `the tool cannot add a command named ${JSON.stringify(command.name)}: it is taken or not a lower-case word`,
      );
    }
    defs[command.name] = { doc: command.doc, description: command.description ?? [command.doc], extra: [] };
  }
  return defs;
}

/** Everything needed to parse and document one command line. */
export interface Parser {
  readonly tool: Generator;
  /** Every sub-command, sorted. */
  readonly commands: readonly string[];
  readonly defs: Record<string, CommandDef>;
  readonly common: readonly OptionSpec[];
  readonly keys: readonly OptionSpec[];
}

/** The options a sub-command accepts: the common ones, its own, and the keys. */
export function specsFor(p: Parser, command: string): OptionSpec[] {
  return [...p.common, ...(p.defs[command]?.extra ?? []), ...p.keys];
}

/** The option sets for a tool and the keys of its configuration. */
export function makeParser(settings: CommandLineSettings): Parser {
  const common = commonSpecs(settings.tool, settings.defaultConfigFile ?? "config.ts");
  const taken = new Set([...common, ...EVAL_SPECS, ...DOT_SPECS].flatMap((s) => s.names));
  const defs = commandDefs(settings.tool.name, settings.queryKinds, settings.commands);
  const commands = Object.keys(defs).sort();
  return { tool: settings.tool, commands, defs, common, keys: keySpecs(settings.keys ?? [], taken) };
}
