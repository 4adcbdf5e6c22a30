// mirage >= 0.2.0 & < 0.3.0
import { defaultNetwork, fn, genericStackv4v6, job, main, register, stackv4v6 } from "@mirage-ts/mirage-cli";

const network = main({ module: "./unikernel.js", name: "Network", type: fn(stackv4v6, job) });

register("network", [network.$(genericStackv4v6(defaultNetwork))]);
