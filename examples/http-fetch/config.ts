// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  fn,
  genericStackv4v6,
  httpClient,
  httpFetchClient,
  job,
  main,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// mirage-skeleton's http-fetch: fetch `--uri` through the unikernel's stack (the host's with
// `--net=socket`, mirage-ts's own with `--net=direct`) and print the status and the body's SHA-256.
const fetcher = main({ module: "./unikernel.js", name: "Fetch", type: fn(stackv4v6, fn(httpClient, job)) });

const stack = genericStackv4v6(defaultNetwork);
register("http-fetch", [fetcher.$(stack).$(httpFetchClient(stack))]);
