import {
  Context,
  apply,
  conv,
  dep,
  evalGraph,
  fn,
  formatPackage,
  ifImpl,
  impl,
  implKeys,
  implPackages,
  implRuntimeArgs,
  job,
  key,
  map,
  matchImpl,
  opt,
  pkg,
  pure,
  runtimeArg,
  simplify,
  switchKeys,
  toDot,
  typ,
  value,
} from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";

describe("naming (test_graph)", () => {
  it("numbers instances in dependency order as <nice name>__<id>", () => {
    const x = impl({ name: "Foo.Bar", type: job });
    const y = impl({ name: "X.Y", type: fn(job, job), extraDeps: [x] });
    const z = impl({ name: "Bar", type: job, extraDeps: [y] });
    const graph = evalGraph(z, Context.empty);
    expect(graph.nodes.map((n) => n.varName)).toEqual(["foo_bar__1", "x_y__2", "bar__3"]);
    expect(graph.root.varName).toBe("bar__3");
  });

  it("derives names that are identifiers", () => {
    const d = impl({ module: "m", name: "Tcp-Flow.v2", type: job, connect: () => "1" });
    expect(evalGraph(d, Context.empty).root.varName).toBe("tcp_flow_v2__1");
    expect(() => evalGraph(impl({ name: "3d", type: job }), Context.empty)).toThrow(
      /cannot derive an identifier from "3d"/,
    );
  });
});

describe("hash-consing", () => {
  const console = typ("console");
  const net = typ("network");
  const mkConsole = () => impl({ module: "@x/unix", name: "Console", type: console });

  it("shares a reused implementation value", () => {
    const c = mkConsole();
    const a = impl({ name: "A", type: fn(console, job) });
    const b = impl({ name: "B", type: fn(console, job) });
    const top = impl({ name: "Top", type: job, extraDeps: [dep(apply(a, c)), dep(apply(b, c))] });
    const graph = evalGraph(top, Context.empty);
    expect(graph.nodes.filter((n) => n.device.name === "Console")).toHaveLength(1);
    const [na, nb] = graph.root.deps;
    expect(na?.args[0]).toBe(nb?.args[0]);
  });

  it("shares the same functor applied to the same arguments twice", () => {
    const c = mkConsole();
    const f = impl({ name: "Log.Make", type: fn(console, job) });
    const top = impl({ name: "Top", type: job, extraDeps: [apply(f, c), apply(f, c)] });
    const graph = evalGraph(top, Context.empty);
    expect(graph.nodes.map((n) => n.varName)).toEqual(["console__1", "log_make__2", "top__3"]);
    expect(graph.root.deps[0]).toBe(graph.root.deps[1]);
  });

  it("keeps two constructions of a device apart", () => {
    const top = impl({ name: "Top", type: job, extraDeps: [mkConsole(), mkConsole()] });
    const graph = evalGraph(top, Context.empty);
    expect(graph.nodes.map((n) => n.varName)).toEqual(["console__1", "console__2", "top__3"]);
  });

  it("orders dependencies before arguments before the instance", () => {
    const n = impl({ name: "Net", type: net });
    const c = mkConsole();
    const f = impl({ name: "Stack", type: fn(net, job), extraDeps: [c] });
    const graph = evalGraph(apply(f, n), Context.empty);
    expect(graph.nodes.map((x) => x.varName)).toEqual(["console__2", "net__1", "stack__3"]);
  });

  it("flattens applications: f $ a $ b is one instance with two arguments", () => {
    const a = impl({ name: "A", type: console });
    const b = impl({ name: "B", type: net });
    const f = impl({ name: "F", type: fn(console, fn(net, job)) });
    const graph = evalGraph(f.$(a).$(b), Context.empty);
    expect(graph.root.args.map((x) => x.device.name)).toEqual(["A", "B"]);
    expect(evalGraph(apply(f, a, b), Context.empty).root.args).toHaveLength(2);
  });
});

describe("switches", () => {
  const target = key(
    "target",
    opt(
      conv.enumeration([
        ["unix", "unix"],
        ["xen", "xen"],
        ["hvt", "hvt"],
      ]),
      "unix",
      { names: ["t", "target"] },
    ),
  );
  const unix = impl({ name: "Unix_net", type: typ("network"), packages: [pkg("unix-net")] });
  const xen = impl({ name: "Xen_net", type: typ("network"), packages: [pkg("xen-net")] });
  const solo5 = impl({ name: "Solo5_net", type: typ("network"), packages: [pkg("solo5-net")] });
  const net = matchImpl(
    value(target),
    [
      ["unix", unix],
      ["xen", xen],
    ],
    solo5,
  );

  it("uses the matching case, and the default when none matches", () => {
    const name = (t: "unix" | "xen" | "hvt") => evalGraph(net, Context.empty.add(target, t)).root.device.name;
    expect(name("unix")).toBe("Unix_net");
    expect(name("xen")).toBe("Xen_net");
    expect(name("hvt")).toBe("Solo5_net");
    expect(evalGraph(net, Context.empty).root.device.name).toBe("Unix_net");
  });

  it("is ifImpl on true/false", () => {
    expect(evalGraph(ifImpl(pure(false), unix, xen), Context.empty).root.device.name).toBe("Xen_net");
    const onXen = ifImpl(
      map(value(target), (t) => t === "xen"),
      xen,
      unix,
    );
    expect(evalGraph(onXen, Context.empty.add(target, "xen")).root.device.name).toBe("Xen_net");
    expect(evalGraph(onXen, Context.empty.add(target, "unix")).root.device.name).toBe("Unix_net");
  });

  it("keeps undetermined switches without full evaluation", () => {
    expect(toDot(simplify(net, { full: false, context: Context.empty }))).toContain('[label="If\\ntarget"]');
    expect(toDot(simplify(net, { full: false, context: Context.empty.add(target, "xen") }))).not.toContain("If");
    expect(switchKeys(net).map((k) => k.name)).toEqual(["target"]);
  });

  it("collects only the chosen branch's packages after full simplification", () => {
    const pkgs = (context: Context) =>
      implPackages(simplify(net, { full: true, context }))
        .eval(context)
        .map(formatPackage);
    expect(pkgs(Context.empty)).toEqual(["unix-net"]);
    expect(pkgs(Context.empty.add(target, "hvt"))).toEqual(["solo5-net"]);
    expect(
      implPackages(net)
        .eval(Context.empty)
        .map((p) => p.name),
    ).toEqual(["solo5-net", "unix-net", "xen-net"]);
  });

  it("applies a switch of functors (an App node)", () => {
    const a = impl({ name: "A", type: typ("console") });
    const f1 = impl({ name: "F1", type: fn(typ("console"), job) });
    const f2 = impl({ name: "F2", type: fn(typ("console"), job) });
    const applied = ifImpl(value(key("b", opt(conv.bool, true, { names: ["b"] }))), f1, f2).$(a);
    expect(toDot(applied)).toContain('[label="$", shape="diamond"]');
    const graph = evalGraph(applied, Context.empty);
    expect(graph.root.device.name).toBe("F1");
    expect(graph.root.args.map((n) => n.device.name)).toEqual(["A"]);
  });
});

describe("collections", () => {
  it("collects device and switch keys", () => {
    const k1 = key("k1", opt(conv.int, 1, { names: ["k1"] }));
    const k2 = key("k2", opt(conv.int, 1, { names: ["k2"] }));
    const d = impl({ name: "D", type: job, keys: [k2] });
    const top = ifImpl(
      map(value(k1), (v) => v > 0),
      d,
      d,
    );
    expect(implKeys(top).map((k) => k.name)).toEqual(["k1", "k2"]);
  });

  it("collects run-time arguments once and rejects duplicate names", () => {
    const hello = runtimeArg({ module: "./unikernel.js", name: "hello", packages: [pkg("cmdliner-ts")] });
    const a = impl({ name: "A", type: job, runtimeArgs: [hello] });
    const b = impl({
      name: "B",
      type: job,
      runtimeArgs: [runtimeArg({ module: "./unikernel.js", name: "hello" })],
      extraDeps: [a],
    });
    expect(implRuntimeArgs(b).map((r) => r.varName)).toEqual(["hello"]);
    expect(
      implPackages(b)
        .eval(Context.empty)
        .map((p) => p.name),
    ).toEqual(["cmdliner-ts"]);
    const other = impl({
      name: "C",
      type: job,
      runtimeArgs: [runtimeArg({ module: "./other.js", name: "hello" })],
      extraDeps: [a],
    });
    expect(() => implRuntimeArgs(other)).toThrow("Duplicate key name: hello");
  });
});

describe("dot output (test_graph)", () => {
  it("matches the if_impl (pure true) golden", () => {
    const i1 = impl({ name: "Foo.Bar", type: job, packages: [pkg("a")] });
    const i2 = impl({ name: "Foo.Bar", type: job, packages: [pkg("b")] });
    expect(toDot(ifImpl(pure(true), i1, i2))).toBe(`digraph G {
  ordering=out;
  1 [label="foo_bar__1\\nFoo.Bar\\n", shape="box"];
  2 [label="foo_bar__2\\nFoo.Bar\\n", shape="box"];
  3 [label="If\\n"];

  3 -> 1 [style="dotted", headport="n"];
  3 -> 2 [style="dotted", headport="n"];
  3 -> 1 [style="bold", style="dotted", headport="n"];
}
`);
    const pkgs = (i: typeof i1) =>
      implPackages(simplify(i, { full: true, context: Context.empty }))
        .eval(Context.empty)
        .map((p) => p.name);
    expect(pkgs(ifImpl(pure(true), i1, i2))).toEqual(["a"]);
    expect(pkgs(ifImpl(pure(true), i2, i1))).toEqual(["b"]);
  });

  it("draws arguments, dependencies and keys", () => {
    const k = key("net", opt(conv.string, "tap0", { names: ["net"] }));
    const n = impl({ name: "Netif", type: typ("network"), keys: [k] });
    const c = impl({ name: "Clock", type: typ("clock") });
    const e = impl({ name: "Ethernet.Make", type: fn(typ("network"), job), extraDeps: [c] });
    expect(toDot(apply(e, n))).toBe(`digraph G {
  ordering=out;
  1 [label="netif__1\\nNetif\\nnet", shape="box"];
  2 [label="clock__2\\nClock\\n", shape="box"];
  3 [label="ethernet_make__3\\nEthernet.Make\\n", shape="box"];

  3 -> 1 [];
  3 -> 2 [style="dashed"];
}
`);
  });
});
