// mirage >= 0.2.0 & < 0.3.0
import { defaultRandom, defaultSleep, fn, job, main, random, register, sleep } from "@mirage-ts/mirage-cli";

const timeout2 = main({ module: "./unikernel.js", name: "Timeout", type: fn(random, fn(sleep, job)) });

register("timeout2", [timeout2.$(defaultRandom).$(defaultSleep)]);
