/**
 * The `mirage-switch` program: runs the switch until SIGINT or SIGTERM, then prints its counters.
 *
 * @packageDocumentation
 */

import { runSwitch } from "./command.js";

try {
  const frameSwitch = await runSwitch(process.argv.slice(2), {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  });
  if (frameSwitch !== undefined) {
    const stop = (): void => {
      const { ports: _ports, ...counters } = frameSwitch.stats();
      process.stderr.write(`mirage-switch stopping: ${JSON.stringify(counters)}\n`);
      void frameSwitch.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} catch (error) {
  process.stderr.write(`mirage-switch: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
