// Type-level tests: checked by `tsc -p packages/functoria/test/tsconfig.json` (every
// `@ts-expect-error` must be an error there) and run by vitest for the run-time checks.

import {
  type Fn,
  type Impl,
  type Job,
  type Typ,
  apply,
  conv,
  fn,
  ifImpl,
  impl,
  job,
  key,
  main,
  matchImpl,
  noop,
  opt,
  pure,
  typ,
  value,
} from "@mirage-ts/functoria";
import { describe, expect, expectTypeOf, it } from "vitest";

const console = typ("console");
const network = typ("network");
const cons = impl({ module: "@x/unix", name: "Console", type: console });
const net = impl({ module: "@x/unix", name: "Netif", type: network });
const unikernel = main({ module: "./unikernel.js", name: "Main", type: fn(console, fn(network, job)) });

describe("typed application", () => {
  it("infers module types and functor types", () => {
    expectTypeOf(console).toEqualTypeOf<Typ<"console">>();
    expectTypeOf(fn(console, job)).toEqualTypeOf<Typ<Fn<"console", Job>>>();
    expectTypeOf(unikernel).toEqualTypeOf<Impl<Fn<"console", Fn<"network", Job>>>>();
    expectTypeOf(unikernel.$(cons)).toEqualTypeOf<Impl<Fn<"network", Job>>>();
    expectTypeOf(unikernel.$(cons).$(net)).toEqualTypeOf<Impl<Job>>();
    expectTypeOf(apply(unikernel, cons)).toEqualTypeOf<Impl<Fn<"network", Job>>>();
    expectTypeOf(apply(unikernel, cons, net)).toEqualTypeOf<Impl<Job>>();
    expectTypeOf(apply(unikernel)).toEqualTypeOf<typeof unikernel>();
  });

  it("rejects a device of the wrong type", () => {
    // @ts-expect-error a network is not a console
    expect(() => unikernel.$(net)).toThrow(
      "cannot apply Main: argument 1 (Netif) has type network but console is expected",
    );
    // @ts-expect-error a network is not a console
    expect(() => apply(unikernel, net, cons)).toThrow(/argument 1 \(Netif\) has type network/);
    // @ts-expect-error the second argument must be a network
    expect(() => apply(unikernel, cons, cons)).toThrow(
      /argument 2 \(Console\) has type console but network is expected/,
    );
  });

  it("rejects too many arguments", () => {
    // @ts-expect-error the application takes two arguments
    expect(() => apply(unikernel, cons, net, noop)).toThrow(
      "cannot apply Main: its type console -> network -> job takes 2 argument(s), not 3",
    );
    // @ts-expect-error a console is not a functor
    expect(() => cons.$(cons)).toThrow(/takes 0 argument\(s\)/);
  });

  it("rejects a partial application where a job is expected", () => {
    const partial = apply(unikernel, cons);
    // @ts-expect-error still needs a network
    const asJob: Impl<Job> = partial;
    expect(asJob.typ.toString()).toBe("network -> job");
    const full: Impl<Job> = partial.$(net);
    expect(full.typ.toString()).toBe("job");
  });

  it("keeps the branches of a switch at one type", () => {
    const k = key("k", opt(conv.bool, true, { names: ["k"] }));
    expectTypeOf(ifImpl(value(k), cons, cons)).toEqualTypeOf<Impl<"console">>();
    // @ts-expect-error the branches have different types
    expect(() => ifImpl(value(k), cons, net)).toThrow(
      "matchImpl: a case has type network but the default has type console",
    );
    // @ts-expect-error the cases must match the value's type
    matchImpl(value(k), [["yes", cons]], cons);
    expectTypeOf(matchImpl(pure(1), [[1, net]], net)).toEqualTypeOf<Impl<"network">>();
  });

  it("types key values", () => {
    const port = key("port", opt(conv.int, 80, { names: ["port"] }));
    expectTypeOf(value(port).eval).returns.toEqualTypeOf<number>();
    // @ts-expect-error the default must have the converter's type
    opt(conv.int, "80", { names: ["port"] });
  });
});
