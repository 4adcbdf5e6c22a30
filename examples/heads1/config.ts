// mirage >= 0.2.0 & < 0.3.0
import { defaultSleep, fn, job, main, register, sleep } from "@mirage-ts/mirage-cli";

const heads1 = main({ module: "./unikernel.js", name: "Heads", type: fn(sleep, job) });

register("heads1", [heads1.$(defaultSleep)]);
