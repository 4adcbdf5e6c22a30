// mirage >= 0.2.0 & < 0.3.0
import {
  defaultMClock,
  defaultNetwork,
  fn,
  genericStackv4v6,
  job,
  main,
  mclock,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// tcp-echo's configuration with the monotonic clock the planted bug reads; `mirage configure -t unix`
// builds it like tcp-echo. The simulation test (test/) runs its `start` on simulated hosts.
const echo = main({ module: "./unikernel.js", name: "BuggyEcho", type: fn(stackv4v6, fn(mclock, job)) });

register("sim-tcp-echo-bug", [echo.$(genericStackv4v6(defaultNetwork)).$(defaultMClock)]);
