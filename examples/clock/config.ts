// mirage >= 0.2.0 & < 0.3.0
import {
  defaultMClock,
  defaultPClock,
  defaultSleep,
  fn,
  job,
  main,
  mclock,
  pclock,
  register,
  sleep,
} from "@mirage-ts/mirage-cli";

const clock = main({ module: "./unikernel.js", name: "SpeakingClock", type: fn(pclock, fn(mclock, fn(sleep, job))) });

register("speaking_clock", [clock.$(defaultPClock).$(defaultMClock).$(defaultSleep)]);
