import { redirectToHttps } from "@mirage-ts/http";
import { describe, expect, it } from "vitest";

const info = {
  remote: { address: "10.0.0.3", port: 40000 },
  local: { address: "10.0.0.2", port: 80 },
  protocol: "http/1.1" as const,
  tls: false,
};

describe("redirectToHttps", () => {
  it("sends every request to the same host, path and query over HTTPS, with 301", async () => {
    const response = await redirectToHttps(443)(new Request("http://site.test:8080/a/b?c=d"), info);
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("https://site.test/a/b?c=d");
  });

  it("names a port other than 443, and keeps an IPv6 host in brackets", async () => {
    const r = await redirectToHttps(8443)(new Request("http://[fd00::2]/x"), info);
    expect(r.headers.get("location")).toBe("https://[fd00::2]:8443/x");
  });
});
