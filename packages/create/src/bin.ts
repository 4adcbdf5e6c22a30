#!/usr/bin/env node
/**
 * The `create` executable, run by `npm create @mirage-ts`, `pnpm create @mirage-ts` and
 * `yarn create @mirage-ts`.
 *
 * @packageDocumentation
 */
import { createInterface } from "node:readline/promises";
import { runCreate } from "./cli.js";
import { packageManagerOf } from "./package-manager.js";

const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
const questions = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
try {
  process.exitCode = await runCreate(process.argv.slice(2), {
    cwd: process.cwd(),
    packageManager: packageManagerOf(process.env.npm_config_user_agent),
    interactive,
    ask: (question) => questions!.question(question),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
} finally {
  questions?.close();
}
