import {
  Context,
  JOB_WITHOUT_ARGUMENTS,
  type Package,
  conv,
  dep,
  devices,
  fn,
  formatPackage,
  ifImpl,
  impl,
  job,
  key,
  main,
  makeInfo,
  mergePackages,
  noop,
  opt,
  packageRange,
  pkg,
  pure,
  runtimeArg,
  takeNotices,
  typ,
  value,
} from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";
import { app } from "./helpers.js";

describe("module types", () => {
  it("prints functor types right-associatively", () => {
    const c = typ("console");
    expect(fn(c, fn(typ("network"), job)).toString()).toBe("console -> network -> job");
    expect(fn(fn(c, job), job).toString()).toBe("(console -> job) -> job");
    expect(fn(c, job).isFunctor).toBe(true);
    expect(job.isFunctor).toBe(false);
    expect(() => typ("")).toThrow(/cannot be the empty string/);
  });
});

describe("packages", () => {
  it("validates npm names", () => {
    expect(pkg("@mirage-ts/tcpip").name).toBe("@mirage-ts/tcpip");
    for (const bad of ["bar.subfoo/x/y", "Foo", "é", "", ".hidden"])
      expect(() => pkg(bad)).toThrow(`package name ${JSON.stringify(bad)} is invalid`);
  });

  it("merges by name, unioning ranges, a run-time need winning over build-only", () => {
    const merged = mergePackages([
      pkg("foo", { range: ">=1.0.0" }),
      pkg("bar", { build: true }),
      pkg("foo", { range: "<2.0.0" }),
      pkg("foo", { range: ">=1.0.0", build: true }),
    ]);
    expect(merged.map(formatPackage)).toEqual(["bar (build)", "foo@>=1.0.0 <2.0.0"]);
    expect(mergePackages([pkg("x", { build: true }), pkg("x")])[0]?.build).toBe(false);
    expect(pkg("x", { range: "*" }).ranges).toEqual([]);
  });

  it("intersects alternatives set by set instead of joining the strings", () => {
    const merged = mergePackages([pkg("foo", { range: "^1.2.0 || ^2.0.0" }), pkg("foo", { range: ">=1.5.0" })]);
    // Joined as text this read `^1.2.0 || (^2.0.0 >=1.5.0)`, letting 1.2.0 in.
    expect(packageRange(merged[0] as Package)).toBe("^1.2.0 >=1.5.0 || ^2.0.0 >=1.5.0");
    const hyphen = mergePackages([pkg("bar", { range: "1.0.0 - 2.0.0" }), pkg("bar", { range: "<1.5.0" })]);
    expect(packageRange(hyphen[0] as Package)).toBe(">=1.0.0 <=2.0.0 <1.5.0");
    const pruned = mergePackages([pkg("baz", { range: "^1.0.0 || ^3.0.0" }), pkg("baz", { range: ">=2.0.0" })]);
    expect(packageRange(pruned[0] as Package)).toBe("^3.0.0 >=2.0.0");
  });

  it("refuses ranges no version satisfies and ranges that do not parse, naming the package", () => {
    expect(() => mergePackages([pkg("foo", { range: "^1.0.0" }), pkg("foo", { range: "^2.0.0" })])).toThrow(
      'package "foo": no version satisfies all of "^1.0.0", "^2.0.0"',
    );
    expect(() => pkg("foo", { range: "^1.0.0 |" })).toThrow(
      'package "foo": version range "^1.0.0 |" is not a valid semver range',
    );
  });
});

describe("run-time arguments", () => {
  it("derive lower-case registration names", () => {
    expect(runtimeArg({ module: "./unikernel.js", name: "hello" }).varName).toBe("hello");
    expect(runtimeArg({ module: "m", name: "Args.Hello-World" }).varName).toBe("hello_world");
    expect(runtimeArg({ module: "m", name: "ipv4", key: "data.ipv4" }).varName).toBe("data_ipv4");
    expect(() => runtimeArg({ module: "m", name: "x", key: "1st" })).toThrow(/cannot derive an identifier/);
  });
});

describe("registering jobs", () => {
  it("accepts noop and jobs with arguments", () => {
    expect(app("noop", [noop]).name).toBe("noop");
    const withArg = impl({ name: "A", type: job, runtimeArgs: [runtimeArg({ module: "m", name: "x" })] });
    expect(app("a", [withArg]).jobs).toHaveLength(1);
    expect(app("b", [impl({ name: "B", type: job, extraDeps: [dep(noop)] })]).top.typ.toString()).toBe("job");
  });

  it("rejects a job without arguments, even behind a switch", () => {
    const bare = impl({ module: "./unikernel.js", name: "Hello", type: job });
    expect(() => app("x", [bare])).toThrow(JOB_WITHOUT_ARGUMENTS);
    const k = key("k", opt(conv.bool, true, { names: ["k"] }));
    expect(() => app("x", [ifImpl(value(k), noop, bare)])).toThrow(JOB_WITHOUT_ARGUMENTS);
  });

  it("gives main's device the options it shares with impl, and calls start", () => {
    const arg = runtimeArg({ module: "./app.js", name: "port" });
    const m = main({
      module: "./app.js",
      name: "App",
      type: fn(job, job),
      packages: [pkg("a")],
      packagesV: pure([pkg("b")]),
      runtimeArgs: [arg],
    });
    const [device] = devices(m);
    expect(device?.module).toBe("./app.js");
    expect(device?.name).toBe("App");
    expect(device?.type.toString()).toBe("job -> job");
    expect(device?.packages.eval(Context.empty).map((p) => p.name)).toEqual(["a", "b"]);
    expect(device?.runtimeArgs).toEqual([arg]);
    expect(device?.extraDeps).toEqual([]);
    const info = makeInfo({
      name: "app",
      projectName: "app",
      configFile: "config.ts",
      output: undefined,
      packages: [],
      keys: [],
      runtimeArgs: [],
      context: Context.empty,
    });
    const context = { impl: "App", args: ["a", "b"], info, importValue: (_: string, name: string) => name };
    expect(device?.connect(context)).toBe("App.start(a, b)");
  });

  it("lets main add the unit argument, behind a switch too (job-no-device-behind-if)", () => {
    takeNotices();
    const k = key("k", opt(conv.bool, true, { names: ["k"] }));
    const m = main({ module: "./app.js", name: "App", type: job });
    expect(app("x", [ifImpl(value(k), m, noop)]).jobs).toHaveLength(1);
    expect(takeNotices()).toEqual(["adding unit argument to 'start ()' (to delay execution)"]);
  });
});
