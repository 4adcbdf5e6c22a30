import { RuntimeArgs, argumentError, httpPortArg, httpsPortArg, sections, tlsArg } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { parseArg, runArgv } from "./capture.js";

/** The three arguments of a web service (of `group`), registered as a generated main registers them. */
function service(tls: boolean, group?: string) {
  const args = new RuntimeArgs();
  const options = group === undefined ? {} : { group };
  const getters = {
    tls: args.registerArg(tlsArg(tls, options)),
    http: args.registerArg(httpPortArg(80, options)),
    https: args.registerArg(httpsPortArg(443, options)),
  };
  return { args, ...getters };
}

const parse = parseArg;

describe("web-service run-time arguments", () => {
  it("--tls takes its default, true or false, and a group prefix", () => {
    expect(parse(tlsArg(), []).value).toBe(false);
    expect(parse(tlsArg(true), []).value).toBe(true);
    expect(parse(tlsArg(true), ["--tls=false"]).value).toBe(false);
    expect(parse(tlsArg(false, { group: "admin" }), ["--admin-tls=true"]).value).toBe(true);
    expect(tlsArg().info.docs).toBe(sections.tls);
  });

  it("--http-port and --https-port default to 80 and 443 and take a port", () => {
    expect(parse(httpPortArg(), []).value).toBe(80);
    expect(parse(httpsPortArg(), []).value).toBe(443);
    expect(parse(httpPortArg(), ["--http-port=8080"]).value).toBe(8080);
    expect(parse(httpsPortArg(443, { group: "g" }), ["--g-https-port", "8443"]).value).toBe(8443);
    expect(httpPortArg().info.docs).toBe(sections.http);
  });

  it("a port out of range exits 64 naming the value and the range", () => {
    for (const bad of ["0", "65536", "-1", "http"]) {
      const r = parse(httpsPortArg(), [`--https-port=${bad}`]);
      expect(r.code, bad).toBe(argumentError);
      expect(r.err).toContain(`'${bad}'`);
      expect(r.err).toContain("a TCP port from 1 to 65535");
    }
  });

  it("--https-port with --tls=false is refused in one line naming both and the fix, exit 64", () => {
    const refused = runArgv(service(true).args, ["--tls=false", "--https-port=8443"], undefined, "https");
    expect(refused).toEqual({
      exit: 64,
      stdout: "",
      stderr:
        "https: option '--https-port' needs '--tls=true': with --tls=false nothing listens on the HTTPS port; " +
        "drop --https-port, or add --tls=true\n",
    });
    // --tls false by default, and a group's own pair.
    expect(runArgv(service(false).args, ["--https-port=8443"]).exit).toBe(argumentError);
    expect(runArgv(service(false, "admin").args, ["--admin-https-port=8443"]).stderr).toContain(
      "option '--admin-https-port' needs '--admin-tls=true'",
    );
    // Fine: TLS on, or --https-port left at its default, or another group's --tls.
    for (const [tls, argv] of [
      [false, ["--tls=true", "--https-port=8443"]],
      [true, ["--https-port=8443"]],
      [true, ["--tls=false", "--http-port=8080"]],
    ] as const) {
      const s = service(tls);
      expect(runArgv(s.args, argv).exit, argv.join(" ")).toBeUndefined();
    }
    const s = service(true);
    expect(runArgv(s.args, ["--tls=false"]).exit).toBeUndefined();
    expect([s.tls(), s.https()]).toEqual([false, 443]);
  });
});
