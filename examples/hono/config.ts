// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  fn,
  genericStackv4v6,
  http,
  httpServer,
  job,
  main,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// A Hono app (app.ts) on the http server device, over the host sockets (`--net=socket`) or
// mirage-ts's own stack (`--net=direct`).
const hono = main({ module: "./unikernel.js", name: "Hono", type: fn(stackv4v6, fn(http, job)) });

const stack = genericStackv4v6(defaultNetwork);
register("hono", [hono.$(stack).$(httpServer(stack))]);
