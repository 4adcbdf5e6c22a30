/**
 * The manual pages of the tool and of its sub-commands, in Cmdliner's plain layout.
 */

import { optionName } from "@mirage-ts/cmdliner";
import { type ManBlock, type ManSection, optionItems, renderMan } from "./man.js";
import type { OptionSpec } from "./options.js";
import { type Parser, S_COMMON, S_CONFIGURE, S_DESCRIBE, S_OPTIONS, specsFor } from "./specs.js";

function exitStatus(subject: string): ManSection {
  const item = (label: string, text: string): ManBlock => ({ kind: "item", label, text });
  return {
    title: "EXIT STATUS",
    blocks: [
      { kind: "paragraph", text: `${subject} exits with:` },
      item("0", "on success."),
      item("1", "on an action error (missing configuration file, file-system or command failure)."),
      item("123", "on an error raised while loading or evaluating the configuration."),
      item("124", "on command line parsing errors."),
      item("125", "on unexpected internal errors (bugs)."),
    ],
  };
}

function sectionsOf(specs: readonly OptionSpec[]): ManSection[] {
  const order = (title: string): number =>
    title === S_OPTIONS ? 2 : title === S_COMMON ? 3 : title === S_CONFIGURE ? 1 : title === S_DESCRIBE ? 0 : 1;
  const titles = [...new Set(specs.map((s) => s.section))].sort(
    (a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return titles.map((title) => ({ title, blocks: optionItems(specs.filter((s) => s.section === title)) }));
}

function environment(subject: string, specs: readonly OptionSpec[]): ManSection {
  const withEnv = specs.filter((s) => s.env !== undefined);
  const blocks: ManBlock[] = withEnv.map((s) => ({
    kind: "item",
    label: s.env ?? "",
    text: `See option ${s.names.map(optionName).join(", ")}.`,
  }));
  return {
    title: "ENVIRONMENT",
    blocks:
      blocks.length === 0
        ? []
        : [{ kind: "paragraph", text: `These environment variables affect the execution of ${subject}:` }, ...blocks],
  };
}

export function commandPage(p: Parser, command: string): string {
  const def = p.defs[command];
  if (def === undefined) throw new TypeError(`no help page for the command ${command}`);
  const specs = specsFor(p, command);
  const positional = def.positional === undefined ? "" : ` [${def.positional.docv}]`;
  const sections: ManSection[] = [
    { title: "NAME", blocks: [{ kind: "paragraph", text: `${p.tool.name}-${command} - ${def.doc}` }] },
    { title: "SYNOPSIS", blocks: [{ kind: "paragraph", text: `${p.tool.name} ${command} [OPTION]…${positional}` }] },
    { title: "DESCRIPTION", blocks: def.description.map((text) => ({ kind: "paragraph", text })) },
    ...sectionsOf(specs.filter((s) => s.section !== S_OPTIONS && s.section !== S_COMMON)),
    {
      title: "ARGUMENTS",
      blocks:
        def.positional === undefined ? [] : [{ kind: "item", label: def.positional.docv, text: def.positional.doc }],
    },
    ...sectionsOf(specs.filter((s) => s.section === S_OPTIONS || s.section === S_COMMON)),
    exitStatus(command),
    environment(command, specs),
  ];
  return renderMan(sections);
}

export function mainPage(p: Parser): string {
  const name = p.tool.name;
  return renderMan([
    { title: "NAME", blocks: [{ kind: "paragraph", text: `${name} - The ${name} application builder` }] },
    { title: "SYNOPSIS", blocks: [{ kind: "paragraph", text: `${name} COMMAND …` }] },
    {
      title: "DESCRIPTION",
      blocks: [
        {
          kind: "paragraph",
          text:
            `The ${name} application builder. It glues together a set of libraries and configuration ` +
            "(e.g. network and storage) into a standalone unikernel.",
        },
        { kind: "paragraph", text: `Use ${name} help <command> for more information on a specific command.` },
      ],
    },
    { title: "COMMANDS", blocks: p.commands.map((c) => ({ kind: "item", label: c, text: p.defs[c]?.doc ?? "" })) },
    ...sectionsOf(p.common.filter((s) => s.section === S_OPTIONS || s.section === S_COMMON)),
    exitStatus(name),
  ]);
}
