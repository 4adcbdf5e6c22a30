// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  fn,
  genericKvRo,
  genericStackv4v6,
  http,
  httpServer,
  job,
  kvRo,
  main,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// The site is the directory htdocs/, crunched into the bundle (`--kv_ro=crunch`, the default) or
// read at run time (`--kv_ro=direct`); the stack is the host's (`--net=socket`) or mirage-ts's own
// over `--interface` (`--net=direct`); HTTP is the http server device over that stack (Node's llhttp).
const website = main({
  module: "./unikernel.js",
  name: "Website",
  type: fn(stackv4v6, fn(kvRo, fn(http, job))),
});

const stack = genericStackv4v6(defaultNetwork);
register("static-website", [website.$(stack).$(genericKvRo("htdocs")).$(httpServer(stack))]);
