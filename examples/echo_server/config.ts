// mirage >= 0.2.0 & < 0.3.0
import { defaultRandom, defaultSleep, fn, job, main, random, register, sleep } from "@mirage-ts/mirage-cli";

const echoServer = main({ module: "./unikernel.js", name: "EchoServer", type: fn(random, fn(sleep, job)) });

register("echo_server", [echoServer.$(defaultRandom).$(defaultSleep)]);
