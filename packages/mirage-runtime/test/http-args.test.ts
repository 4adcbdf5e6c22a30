import { argumentError, httpPortArg, httpsPortArg, sections, tlsArg } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { parseArg } from "./capture.js";

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
});
