// The device catalogue evaluated in memory: the graphs, keys, packages and generated code of the
// devices, and register's init jobs (after upstream's test/mirage cram tests).

import {
  type AnyKey,
  type App,
  Context,
  type Impl,
  type Typ,
  describeText,
  evaluate,
  mainFile,
  query,
  toDot,
} from "@mirage-ts/functoria";
import {
  appInfo,
  arp,
  block,
  blockKey,
  blockOfFile,
  console,
  createIpv4,
  createIpv4v6,
  createIpv6,
  defaultConsole,
  defaultNetwork,
  defaultSleep,
  directKvRo,
  directKvRw,
  directStackv4v6,
  ethif,
  fn,
  genericBlock,
  genericHttpService,
  genericKvRo,
  genericStackv4v6,
  http,
  httpClient,
  httpFetchClient,
  httpServer,
  httpService,
  httpsServer,
  info,
  ipv4v6,
  job,
  kvRo,
  kvRoKey,
  kvRw,
  kvRwMem,
  main,
  netKey,
  netif,
  network,
  noArgv,
  noDhcpKey,
  ramdisk,
  register,
  sleep,
  socketStackv4v6,
  stackv4v6,
  target,
  targets,
} from "@mirage-ts/mirage-cli";
import { describe, expect, it } from "vitest";
import { takeRegistered } from "../src/register.js";
import { platformDevice } from "../src/targets.js";
import { describeSummary } from "./support/describe-summary.js";
import { caret } from "./support/versions.js";

function registered(make: () => void): App {
  takeRegistered();
  make();
  const app = takeRegistered();
  if (app === undefined) throw new Error("nothing registered");
  return app;
}

type Setting = readonly [AnyKey, unknown];

function configure(app: App, settings: readonly Setting[] = []) {
  const context = settings.reduce((c, [k, v]) => c.add(k, v), Context.empty);
  return evaluate(app, { context, full: true, configFile: "config.ts" });
}

function app1<T>(type: Typ<T>, device: Impl<T>, name = "app"): App {
  return registered(() =>
    register(name, [main({ module: "./unikernel.js", name: "Main", type: fn(type, job) }).$(device)]),
  );
}

describe("register", () => {
  const hello = () =>
    registered(() =>
      register("hello", [main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) }).$(defaultSleep)]),
    );

  it("runs Mirage's init jobs in upstream's order, then the application", () => {
    const code = mainFile(configure(hello()));
    const steps = [...code.matchAll(/^ {2}await (\w+)\(\);$/gmu)].map((m) => m[1]);
    expect(steps).toEqual([
      "runtime_args__2",
      "delay__4",
      "reporter__6",
      "random_init__8",
      "unikernel_name__9",
      "mirage__11",
    ]);
    expect(code).toContain(
      'return withArgv("hello", _argv__1, unixOutput, { version: (typeof MIRAGE_UNIKERNEL_VERSION === "string" ? ' +
        "MIRAGE_UNIKERNEL_VERSION : undefined), exitStatuses: unixExitStatuses });",
    );
    expect(code).toContain("declare const MIRAGE_UNIKERNEL_VERSION: string | undefined;\n");
    expect(code).toContain("const delay__key = registerArg(delayArg);\nconst logs__key = registerArg(logsArg);\n");
    expect(code).toContain("return _sleep__3.sleepNs(BigInt(_delay) * 1000000000n);");
    expect(code).toContain('setLevel("info", _logs, unixOutput)');
    expect(code).toContain('const unikernel_name__9 = lazy(() => setName("hello"));');
    expect(code).toContain("return Hello.start(_sleep__3);");
    expect(code).toMatch(/\nMain\.run\(start\(\)\);\n$/u);
    // The application's sleep is the one --delay uses: one instance.
    expect(code.match(/lazy\(\(\) => unixSleep\)/gu)).toHaveLength(1);
  });

  it("imports each platform value once, from the target's package", () => {
    const code = mainFile(configure(hello()));
    expect(code).toContain(
      'import { Main, unixExitStatuses, unixPClock, unixRandom, unixSleep } from "@mirage-ts/mirage-unix";',
    );
    expect(code).toContain('import { Hello } from "../unikernel.js";');
  });

  it("can drop the reporter and the random generator, take another argv and add init jobs", () => {
    const extra = main({ module: "./init.js", name: "Init", type: job, deps: [defaultConsole] });
    const app = registered(() =>
      register("quiet", [main({ module: "./unikernel.js", name: "Q", type: fn(console, job) }).$(defaultConsole)], {
        reporter: false,
        random: false,
        argv: noArgv,
        init: [extra],
      }),
    );
    const code = mainFile(configure(app));
    expect(code).not.toContain("setReporter");
    expect(code).not.toContain("random_init");
    expect(code).toContain("const no_argv__1 = lazy(() => []);");
    const steps = [...code.matchAll(/^ {2}await (\w+)\(\);$/gmu)].map((m) => m[1]);
    expect(steps).toEqual(["runtime_args__2", "delay__4", "unikernel_name__5", "init__7", "mirage__9"]);
  });

  it("refuses a second registration and a job without arguments", () => {
    takeRegistered();
    register("one", []);
    expect(() => register("two", [])).toThrow(
      "register was already called (for one): a configuration registers one unikernel",
    );
    takeRegistered();
    expect(() => register("x", [main({ module: "./u.js", name: "X", type: fn(console, job) }) as never])).toThrow(
      /job without arguments/u,
    );
    takeRegistered();
  });

  it("describes the target key and the packages of the unix target", async () => {
    const conf = configure(hello());
    expect(describeText(conf, false)).toBe(describeSummary("hello", ["target=unix (default)"]));
    expect(await query(conf, "packages")).toBe(
      `@mirage-ts/mirage-cli@${caret("mirage-cli")} (build)\n` +
        `@mirage-ts/mirage-runtime@${caret("mirage-runtime")}\n` +
        `@mirage-ts/mirage-types@${caret("mirage-types")}\n` +
        `@mirage-ts/mirage-unix@${caret("mirage-unix")}\n`,
    );
    expect(describeText(configure(hello(), [[target, "unix"]]), false)).toBe(describeSummary("hello", ["target=unix"]));
  });

  it("writes a package.json with the build and start scripts", async () => {
    const pkg = JSON.parse(await query(configure(hello()), "package.json")) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      name: "hello",
      private: true,
      type: "module",
      dependencies: {
        "@mirage-ts/mirage-runtime": caret("mirage-runtime"),
        "@mirage-ts/mirage-types": caret("mirage-types"),
        "@mirage-ts/mirage-unix": caret("mirage-unix"),
      },
      devDependencies: { "@mirage-ts/mirage-cli": caret("mirage-cli") },
      scripts: { build: "mirage build", start: "node --enable-source-maps dist/hello.mjs" },
    });
  });
});

describe("the target table", () => {
  it("has unix, whose devices all produce code", () => {
    expect(Object.keys(targets)).toEqual(["unix", "sim", "browser"]);
    const unix = targets.unix;
    const imported: string[] = [];
    const importValue = (module: string, name: string) => {
      imported.push(`${module}#${name}`);
      return name;
    };
    expect(unix?.devices.blockOfFile?.(importValue, '"disk.img"')).toBe('connectFileBlock("disk.img")');
    expect(unix?.devices.netif?.(importValue, "_interface")).toBe("connectNetif(_interface)");
    expect(unix?.devices.socketStack?.(importValue, "_ipv4")).toBe("connectSocketStack({ ipv4: _ipv4 })");
    expect(imported.every((i) => i.startsWith("@mirage-ts/mirage-unix#"))).toBe(true);
  });

  it("has sim, whose devices (network, block and kv_rw too) come from mirage-sim, and no socket stack", () => {
    const sim = targets.sim;
    const imported: string[] = [];
    const importValue = (module: string, name: string) => {
      imported.push(`${module}#${name}`);
      return name;
    };
    expect(sim?.devices.sleep?.(importValue)).toBe("simSleep()");
    expect(sim?.devices.timers?.(importValue)).toBe("simClock()");
    expect(sim?.devices.netif?.(importValue, "")).toBe("simNetif()");
    expect(sim?.devices.blockOfFile?.(importValue, '"disk.img"')).toBe('simBlock("disk.img")');
    expect(sim?.devices.ramdisk?.(importValue, '"r"')).toBe('simBlock("r")');
    expect(sim?.devices.kvRwMem?.(importValue)).toBe("simKvRw()");
    expect(sim?.devices.directKvRw?.(importValue, '"data"')).toBe('simKvRw("data")');
    expect(sim?.devices.socketStack).toBeUndefined();
    expect(sim?.devices.directKvRo).toBeUndefined();
    expect(sim?.argv(importValue)).toBe("simArgv(process.argv.slice(2))");
    expect(sim?.output(importValue)).toBe("simOutput(unixOutput)");
    expect(sim?.logSink(importValue)).toMatch(/^simLogSink\(\(line: string\)/);
    expect(sim?.prelude(importValue)).toContain('seed: process.env["MIRAGE_SIM_SEED"],');
    expect(imported.every((i) => i.startsWith("@mirage-ts/mirage-sim#"))).toBe(true);
  });
});

describe("a device a target lacks", () => {
  it("is refused naming the device, the target and the fix", () => {
    expect(() => platformDevice(targets.browser!, "blockOfFile", "blockOfFile")).toThrow(
      "blockOfFile is not supported on the browser target: configure for -t unix or -t sim",
    );
    expect(() =>
      platformDevice(targets.sim!, "socketStack", "the socket stack", "configure with --net=direct"),
    ).toThrow("the socket stack is not supported on the sim target: configure with --net=direct");
  });
});

describe("block devices", () => {
  it("connects a file or a ramdisk", () => {
    expect(mainFile(configure(app1(block, blockOfFile("disk.img"))))).toContain(
      'const block__10 = lazy(() => connectFileBlock("disk.img"));',
    );
    expect(mainFile(configure(app1(block, ramdisk("scratch"))))).toContain('lazy(() => connectRamdisk("scratch"))');
    expect(() => blockOfFile("")).toThrow("blockOfFile: the file name cannot be empty");
  });

  it("chooses by --block, ramdisk by default, with a group prefix", () => {
    const app = () => app1(block, genericBlock("disk.img", { group: "data" }));
    expect(mainFile(configure(app()))).toContain('connectRamdisk("disk.img")');
    expect(mainFile(configure(app(), [[blockKey("data"), "file"]]))).toContain('connectFileBlock("disk.img")');
    expect(describeText(configure(app()), false)).toContain("data-block=ramdisk (default)");
  });
});

describe("key-value stores", () => {
  it("chooses crunch or direct by --kv_ro, crunch by default", () => {
    const app = () => app1(kvRo, genericKvRo("t"));
    const crunched = configure(app());
    expect(mainFile(crunched)).toContain('import { Static_t } from "../mirage/static_t.js";');
    expect(mainFile(crunched)).toContain("lazy(() => Static_t.connect())");
    expect(describeText(crunched, false)).toBe(
      describeSummary("app", ["kv_ro=crunch (default)", "target=unix (default)"]),
    );
    const direct = configure(app(), [[kvRoKey(), "direct"]]);
    expect(mainFile(direct)).toContain('lazy(() => connectDirectoryKvRo("t"))');
    expect(mainFile(direct)).not.toContain("Static_t");
  });

  it("shows the choices of the unevaluated graph (describe --no-eval)", () => {
    const dot = toDot(
      evaluate(app1(kvRo, genericKvRo("t")), { context: Context.empty, full: false, configFile: "config.ts" }).impl,
    );
    expect(dot).toContain('[label="If\\nkv_ro"]');
    expect(dot).toContain('[label="If\\ntarget"]');
    expect(dot).toContain("static_t__");
    expect(dot).toContain("direct_kv_ro__");
  });

  it("connects read-write stores", () => {
    expect(mainFile(configure(app1(kvRw, directKvRw("data"))))).toContain('lazy(() => connectDirectoryKvRw("data"))');
    expect(mainFile(configure(app1(kvRw, kvRwMem())))).toContain("lazy(() => connectMemoryKvRw())");
    expect(mainFile(configure(app1(kvRo, directKvRo("t"))))).toContain('connectDirectoryKvRo("t")');
  });
});

describe("network devices", () => {
  it("reads --interface, registered once per group", () => {
    const code = mainFile(configure(app1(network, defaultNetwork)));
    expect(code).toContain('const interface__key = registerArg(interfaceArg("tap0"));');
    expect(code).toMatch(
      new RegExp(
        String.raw`const netif__\d+ = lazy\(async \(\) => \{\n` +
          String.raw` {2}const _interface = interface__key\(\);\n {2}return connectNetif\(_interface\);\n\}\);`,
        "u",
      ),
    );
    const grouped = mainFile(configure(app1(network, netif("udp:4000,127.0.0.1:5000", { group: "lan" }))));
    expect(grouped).toContain(
      'const lan_interface__key = registerArg(interfaceArg("udp:4000,127.0.0.1:5000", { group: "lan" }));',
    );
  });

  it("registers no --interface on sim (its host's port) and the switch's address as the default in a page", () => {
    for (const device of [defaultNetwork, netif("eth0", { group: "lan" })]) {
      const sim = mainFile(configure(app1(network, device), [[target, "sim"]]));
      expect(sim).not.toContain("interfaceArg");
      expect(sim).toMatch(/ = lazy\(\(\) => simNetif\(\)\);/u);
    }
    const page = mainFile(configure(app1(network, defaultNetwork), [[target, "browser"]]));
    expect(page).toContain('const interface__key = registerArg(interfaceArg("ws://127.0.0.1:8090"));');
    expect(page).toContain("connectWebSocketNetif(_interface)");
    expect(mainFile(configure(app1(network, netif("ws://10.0.0.1:9000")), [[target, "browser"]]))).toContain(
      'interfaceArg("ws://10.0.0.1:9000")',
    );
  });

  it("refuses two interfaces sharing --interface with different defaults", () => {
    const two = main({ module: "./unikernel.js", name: "Two", type: fn(network, fn(network, job)) });
    const app = registered(() => register("two", [two.$(netif("tap0")).$(netif("tap1"))]));
    expect(() => configure(app)).toThrow("Duplicate key name: interface");
  });

  it("shares the layers built twice on one interface", () => {
    const user = main({ module: "./unikernel.js", name: "U", type: fn(network, fn(network, job)) });
    const net = netif("tap0");
    const code = mainFile(configure(registered(() => register("u", [user.$(net).$(net)]))));
    expect(code.match(/connectNetif\(/gu)).toHaveLength(1);
    const layers = main({ module: "./unikernel.js", name: "L", type: fn(network, job) });
    const eth = ethif(net);
    const app = registered(() =>
      register("l", [layers.$(net)], {
        init: [main({ module: "./x.js", name: "X", type: job, deps: [arp(eth), arp(ethif(net))] })],
      }),
    );
    expect(mainFile(configure(app)).match(/new ArpLayer/gu)).toHaveLength(1);
  });

  it("generates the per-layer composition of directStackv4v6, one ICMP layer shared by UDP and the stack", () => {
    const net = defaultNetwork;
    const eth = ethif(net);
    const link = arp(eth);
    const ip = createIpv4(eth, link, { network: "192.168.1.2/24", gateway: "192.168.1.1" });
    const code = mainFile(configure(app1(stackv4v6, directStackv4v6(net, eth, link, ip))));
    expect(code).toContain('const ipv4__key = registerArg(ipv4Arg("192.168.1.2/24"));');
    expect(code).toContain('const ipv4_gateway__key = registerArg(ipv4GatewayArg("192.168.1.1"));');
    expect(code).toMatch(/new EthernetLayer\(_netif__\d+\)/u);
    expect(code).toMatch(/new ArpLayer\(_ethernetlayer__\d+, \{ clock: _timers__\d+ \}\)/u);
    expect(code).toMatch(
      new RegExp(
        String.raw`Ipv4Layer\.connect\(_ethernetlayer__\d+, _arplayer__\d+, ` +
          String.raw`\{ clock: _timers__\d+, random: _random__\d+, ` +
          String.raw`config: _ipv4_gateway === undefined \? ` +
          String.raw`\{ cidr: _ipv4 \} : \{ cidr: _ipv4, gateway: _ipv4_gateway \} \}\)`,
        "u",
      ),
    );
    expect(code).toMatch(
      new RegExp(
        String.raw`new UdpLayer\(_ipv4layer__\d+, \{ random: _random__\d+, ` +
          String.raw`onPortUnreachable: icmpPortUnreachable\(_icmpv4layer__\d+\) \}\)`,
        "u",
      ),
    );
    expect(code).toMatch(/new Icmpv4Layer\(_ipv4layer__\d+, \{ clock: _timers__\d+ \}\)/u);
    expect(code.match(/new Icmpv4Layer\(/gu)).toHaveLength(1);
    expect(code).toMatch(/new TcpLayer\(\{ ip: _ipv4layer__\d+, clock: _timers__\d+, random: _random__\d+ \}\)/u);
    expect(code).toMatch(
      new RegExp(
        String.raw`DirectStack\.ofLayers\(\{ netif: _netif__\d+, ethernet: _ethernetlayer__\d+, arp: _arplayer__\d+, ` +
          String.raw`ipv4: _ipv4layer__\d+, icmp: _icmpv4layer__\d+, udp: _udplayer__\d+, tcp: _tcplayer__\d+, ` +
          String.raw`ipv6Only: !_dualip__\d+\.usesIpv4, \.\.\.\(_dualip__\d+\.ipv6 === undefined \? \{\} : ` +
          String.raw`DirectStack\.ipv6Transports\(_dualip__\d+\.ipv6, ` +
          String.raw`\{ clock: _timers__\d+, random: _random__\d+ \}\)\) \}\)`,
        "u",
      ),
    );
    expect(code).toContain(
      "import { ArpLayer, DirectStack, DualIp, EthernetLayer, Icmpv4Layer, Ipv4Layer, Ipv6Layer, TcpLayer, " +
        'UdpLayer, icmpPortUnreachable } from "@mirage-ts/tcpip";',
    );
    expect(code.match(/lazy\(\(\) => unixClock\)/gu)).toHaveLength(1);
  });

  it("composes createIpv6 and createIpv4v6 into directStackv4v6: one IPv6 layer, one dual IP, --ipv6", () => {
    const net = defaultNetwork;
    const eth = ethif(net);
    const link = arp(eth);
    const ip4 = createIpv4(eth, link);
    const ip6 = createIpv6(net, eth);
    const app = registered(() =>
      register("dual", [
        main({ module: "./u.js", name: "U", type: fn(ipv4v6, fn(stackv4v6, job)) })
          .$(createIpv4v6(ip4, ip6))
          .$(directStackv4v6(net, eth, link, ip4, ip6)),
      ]),
    );
    const code = mainFile(configure(app));
    for (const arg of [
      "ipv6Arg(undefined)",
      "ipv6GatewayArg(undefined)",
      "acceptRouterAdvertisementsArg(true)",
      "ipv4OnlyArg(false)",
      "ipv6OnlyArg(false)",
    ]) {
      expect(code).toContain(arg);
    }
    expect(code).toMatch(
      new RegExp(
        String.raw`Ipv6Layer\.connect\(_ethernetlayer__\d+, \{ clock: _timers__\d+, random: _random__\d+, config: \{ ` +
          String.raw`addresses: _ipv6 === undefined \? \[\] : \[_ipv6\], ` +
          String.raw`\.\.\.\(_ipv6_gateway === undefined \? \{\} : \{ gateway: _ipv6_gateway \}\), ` +
          String.raw`acceptRouterAdvertisements: _accept_router_advertisements \} \}\)`,
        "u",
      ),
    );
    expect(code).toMatch(
      /DualIp\.connect\(_ipv4layer__\d+, _ipv6layer__\d+, \{ ipv4Only: _ipv4_only, ipv6Only: _ipv6_only \}\)/u,
    );
    expect(code.match(/Ipv6Layer\.connect\(/gu)).toHaveLength(1);
    expect(code.match(/DualIp\.connect\(/gu)).toHaveLength(1);
  });

  it("gives directStackv4v6 an IPv6 layer of its own when none is passed, with a group's arguments", () => {
    const net = defaultNetwork;
    const eth = ethif(net);
    const code = mainFile(
      configure(app1(stackv4v6, directStackv4v6(net, eth, arp(eth), createIpv4(eth, arp(eth), { group: "g" })))),
    );
    expect(code.match(/Ipv6Layer\.connect\(/gu)).toHaveLength(1);
    expect(code).toContain("DirectStack.ipv6Transports(");
    const ip6 = createIpv6(net, eth, { group: "g" });
    const grouped = mainFile(configure(app1(ipv4v6, createIpv4v6(createIpv4(eth, arp(eth)), ip6, { group: "g" }))));
    expect(grouped).toContain('ipv6Arg(undefined, { group: "g" })');
    expect(grouped).toContain('ipv4OnlyArg(false, { group: "g" })');
  });

  it("refuses two stacks reading --ipv4 with different defaults, as upstream", () => {
    const eth = ethif(defaultNetwork);
    const ip = createIpv4(eth, arp(eth));
    const two = main({ module: "./unikernel.js", name: "Two", type: fn(stackv4v6, fn(stackv4v6, job)) });
    const app = registered(() =>
      register("two", [two.$(socketStackv4v6()).$(directStackv4v6(defaultNetwork, eth, arp(eth), ip))]),
    );
    expect(() => configure(app)).toThrow("Duplicate key name: ipv4");
  });
});

describe("genericStackv4v6 (describe/run.t)", () => {
  const stackApp = () => app1(stackv4v6, genericStackv4v6(defaultNetwork));

  it("lists the keys it reads", () => {
    expect(describeText(configure(stackApp()), false)).toBe(
      describeSummary("app", ["net= (default)", "no-dhcp=false (default)", "target=unix (default)"]),
    );
  });

  const choosesStackTitle =
    "chooses DHCP by default, the socket stack with --net=socket or a bare --no-dhcp, " +
    "static with --net=direct --no-dhcp";
  it(choosesStackTitle, () => {
    const code = (settings: readonly Setting[]) => mainFile(configure(stackApp(), settings));
    const dhcp = code([]);
    expect(dhcp).toMatch(
      new RegExp(
        String.raw`DirectStack\.connect\(\{ netif: _netif__\d+, clock: _timers__\d+, random: _random__\d+, dhcp: true` +
          String.raw`, ipv6: \{ addresses: _ipv6 === undefined \? \[\] : \[_ipv6\], ` +
          String.raw`\.\.\.\(_ipv6_gateway === undefined \? \{\} : \{ gateway: _ipv6_gateway \}\), ` +
          String.raw`acceptRouterAdvertisements: _accept_router_advertisements \}, ` +
          String.raw`ipv4Only: _ipv4_only, ipv6Only: _ipv6_only \}\)`,
        "u",
      ),
    );
    expect(dhcp).toContain("const ipv6__key = registerArg(ipv6Arg(undefined));");
    expect(dhcp).toContain("const ipv6_only__key = registerArg(ipv6OnlyArg(false));");
    expect(dhcp).toContain(
      "const accept_router_advertisements__key = registerArg(acceptRouterAdvertisementsArg(true));",
    );
    expect(dhcp).not.toContain("ipv4Arg");
    expect(dhcp).not.toContain("connectSocketStack");
    for (const socket of [code([[netKey(), "socket"]]), code([[noDhcpKey(), true]])]) {
      expect(socket).toContain(
        "connectSocketStack({ ipv4: _ipv4, ...(_ipv6 === undefined ? {} : { ipv6: _ipv6 }), " +
          "ipv4Only: _ipv4_only, ipv6Only: _ipv6_only })",
      );
      expect(socket).not.toContain("DirectStack");
      expect(socket).not.toContain("connectNetif");
    }
    const fixed = code([
      [netKey(), "direct"],
      [noDhcpKey(), true],
    ]);
    expect(fixed).toContain('const ipv4__key = registerArg(ipv4Arg("10.0.0.2/24"));');
    expect(fixed).toContain("const ipv4_gateway__key = registerArg(ipv4GatewayArg(undefined));");
    expect(fixed).toMatch(
      new RegExp(
        String.raw`DirectStack\.connect\(\{ netif: _netif__\d+, clock: _timers__\d+, random: _random__\d+, ` +
          String.raw`ipv4: _ipv4_gateway === undefined \? ` +
          String.raw`\{ cidr: _ipv4 \} : \{ cidr: _ipv4, gateway: _ipv4_gateway \}` +
          String.raw`, ipv6: \{ addresses: _ipv6 === undefined \? \[\] : \[_ipv6\], ` +
          String.raw`\.\.\.\(_ipv6_gateway === undefined \? \{\} : \{ gateway: _ipv6_gateway \}\), ` +
          String.raw`acceptRouterAdvertisements: _accept_router_advertisements \}, ` +
          String.raw`ipv4Only: _ipv4_only, ipv6Only: _ipv6_only \}\)`,
        "u",
      ),
    );
    expect(fixed).toContain('import { DirectStack } from "@mirage-ts/tcpip";');
    expect(fixed).not.toContain("dhcp: true");
  });

  it("passes the network and gateway defaults of its options to --ipv4 and --ipv4-gateway", () => {
    const stack = genericStackv4v6(defaultNetwork, { ipv4Network: "192.168.1.2/24", ipv4Gateway: "192.168.1.1" });
    const code = mainFile(
      configure(app1(stackv4v6, stack), [
        [netKey(), "direct"],
        [noDhcpKey(), true],
      ]),
    );
    expect(code).toContain('const ipv4__key = registerArg(ipv4Arg("192.168.1.2/24"));');
    expect(code).toContain('const ipv4_gateway__key = registerArg(ipv4GatewayArg("192.168.1.1"));');
  });

  it("prefixes keys and arguments with a group", () => {
    const conf = configure(app1(stackv4v6, genericStackv4v6(netif("tap1", { group: "g" }), { group: "g" })), [
      [netKey("g"), "direct"],
      [noDhcpKey("g"), true],
    ]);
    expect(describeText(conf, false)).toContain("g-net=direct,\n           g-no-dhcp=true,");
    expect(mainFile(conf)).toContain('registerArg(ipv4Arg("10.0.0.2/24", { group: "g" }))');
    expect(mainFile(conf)).toContain('registerArg(interfaceArg("tap1", { group: "g" }))');
  });
});

describe("appInfo", () => {
  it("records the name and the installed package versions as a literal", () => {
    const code = mainFile(configure(app1(info, appInfo(), "app-info")));
    expect(code).toMatch(
      new RegExp(
        String.raw`const info__\d+ = lazy\(\(\) => \(\{ name: "app-info", ` +
          String.raw`packages: \[\{ name: "@mirage-ts\/mirage-cli", version: "[^"]+" \}, `,
        "u",
      ),
    );
  });
});

describe("httpServer", () => {
  const httpApp = () => app1(http, httpServer(genericStackv4v6(defaultNetwork)));

  it("connects @mirage-ts/http-unix's server over the TCP of the chosen stack, on both stacks", () => {
    for (const net of ["socket", "direct"]) {
      const code = mainFile(configure(httpApp(), [[netKey(), net]]));
      expect(code).toContain('import { connectHttpServer } from "@mirage-ts/http-unix";');
      expect(code).toMatch(/connectHttpServer\(_\w+__\d+\.tcp\(\)\)/u);
      expect(code).toContain(net === "socket" ? "connectSocketStack" : "DirectStack");
    }
  });

  it("connects the neutral HTTP/1.1 server of @mirage-ts/http on the platform's timers off Node", () => {
    for (const t of ["sim", "browser"]) {
      const code = mainFile(
        configure(httpApp(), [
          [target, t],
          [netKey(), "direct"],
        ]),
      );
      expect(code, t).toContain('import { connectHttp1Server } from "@mirage-ts/http";');
      expect(code, t).toMatch(/connectHttp1Server\(_\w+__\d+\.tcp\(\), \{ timers: _\w+__\d+ \}\)/u);
      expect(code, t).not.toContain("@mirage-ts/http-unix");
    }
  });

  it("httpFetchClient connects undici's client over the stack's TCP", () => {
    const code = mainFile(configure(app1(httpClient, httpFetchClient(genericStackv4v6(defaultNetwork)))));
    expect(code).toContain('import { connectHttpClient } from "@mirage-ts/http-unix";');
    expect(code).toMatch(/connectHttpClient\(_\w+__\d+\.tcp\(\)\)/u);
  });

  it("httpsServer reads its certificate from the kv_ro it is given", () => {
    const code = mainFile(configure(app1(http, httpsServer(genericStackv4v6(defaultNetwork), genericKvRo("tls")))));
    expect(code).toMatch(/connectHttpsServer\(_\w+__\d+\.tcp\(\), _\w+__\d+\)/u);
    expect(code).toContain("static_tls");
  });

  it("genericHttpService registers --tls, --http-port and --https-port with the config's defaults", () => {
    const stack = genericStackv4v6(defaultNetwork);
    const code = mainFile(
      configure(app1(httpService, genericHttpService(stack, genericKvRo("tls"), { tls: true, httpPort: 8080 }))),
    );
    expect(code).toMatch(/tlsArg\(true\)/u);
    expect(code).toMatch(/httpPortArg\(8080\)/u);
    expect(code).toMatch(/httpsPortArg\(443\)/u);
    expect(code).toMatch(/connectHttpService\(_\w+__\d+\.tcp\(\), _static_tls__\d+, /u);
    expect(code).toContain("{ tls: _tls, httpPort: _http_port, httpsPort: _https_port })");
    const grouped = mainFile(
      configure(app1(httpService, genericHttpService(stack, genericKvRo("tls"), { group: "a" }))),
    );
    expect(grouped).toMatch(/tlsArg\(false, \{ group: "a" \}\)/u);
  });

  it("adds the http packages to the unikernel's dependencies", async () => {
    const packages = await query(configure(httpApp()), "packages");
    expect(packages).toContain("@mirage-ts/http-unix");
    expect(packages).toContain("@mirage-ts/http");
  });
});
