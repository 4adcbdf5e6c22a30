// mirage >= 0.2.0 & < 0.3.0
import { fn, genericKvRo, job, kvRo, main, register } from "@mirage-ts/mirage-cli";

// The directory t/ is crunched into the bundle (--kv_ro=crunch, the default) or read at run time
// (--kv_ro=direct).
const disk = genericKvRo("t");

const app = main({ module: "./unikernel.js", name: "Main", type: fn(kvRo, job) });

register("kv_ro", [app.$(disk)]);
