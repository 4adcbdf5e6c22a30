// mirage >= 0.2.0 & < 0.3.0
import { defaultSleep, fn, job, main, register, sleep } from "@mirage-ts/mirage-cli";

const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });

register("hello-key", [hello.$(defaultSleep)]);
