// A CA and a server certificate made by openssl for a test, in a fresh temporary directory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  readonly dir: string;
  readonly caPem: Buffer;
  readonly certPem: Buffer;
  readonly keyPem: Buffer;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  remove(): void;
}

/** A CA, and a certificate it signed for `names` (DNS names and IP addresses). */
export function makePki(names: readonly string[] = ["localhost", "127.0.0.1"]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "mirage-pki-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
  run("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=mirage test CA", "-days", "2", "-out", "ca.pem");
  run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
  run("req", "-new", "-key", "server.key", "-subj", `/CN=${names[0]}`, "-out", "server.csr");
  const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${san}\n`);
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
    "-out",
    "server.pem",
  );
  const file = (name: string) => join(dir, name);
  return {
    dir,
    caPem: readFileSync(file("ca.pem")),
    certPem: readFileSync(file("server.pem")),
    keyPem: readFileSync(file("server.key")),
    caFile: file("ca.pem"),
    certFile: file("server.pem"),
    keyFile: file("server.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
