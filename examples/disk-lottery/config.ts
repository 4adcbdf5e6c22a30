// mirage >= 0.2.0 & < 0.3.0
import { block, blockOfFile, defaultRandom, fn, job, main, random, register } from "@mirage-ts/mirage-cli";

// The game state lives in disk.img, one 512-byte sector per slot; eight slots:
//   dd if=/dev/zero of=disk.img count=8
const app = main({ module: "./unikernel.js", name: "Main", type: fn(block, fn(random, job)) });

register("lottery", [app.$(blockOfFile("disk.img")).$(defaultRandom)]);
