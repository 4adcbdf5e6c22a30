// mirage >= 0.2.0 & < 0.3.0
import { appInfo, console, defaultConsole, fn, info, job, main, register } from "@mirage-ts/mirage-cli";

const app = main({ module: "./unikernel.js", name: "Main", type: fn(console, fn(info, job)) });

register("app-info", [app.$(defaultConsole).$(appInfo())]);
