// mirage >= 0.2.0 & < 0.3.0
import { block, blockOfFile, fn, job, main, register } from "@mirage-ts/mirage-cli";

// The disk image must exist before the unikernel runs, for example:
//   dd if=/dev/zero of=disk.img count=100000
const app = main({ module: "./unikernel.js", name: "Main", type: fn(block, job) });

register("block_test", [app.$(blockOfFile("disk.img"))]);
