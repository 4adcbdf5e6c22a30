#!/usr/bin/env node
/**
 * The `mirage` executable.
 *
 * @packageDocumentation
 */

import { runMirage } from "./cli.js";

process.exitCode = await runMirage(process.argv.slice(2));
