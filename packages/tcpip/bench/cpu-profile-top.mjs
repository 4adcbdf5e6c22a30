// cpu-profile-top.mjs: the top self-time entries of a `node --cpu-prof` profile, as `--cpu-prof`'s
// DevTools view's bottom-up table would list them.
//
//   node packages/tcpip/bench/cpu-profile-top.mjs FILE.cpuprofile [N=8]
import { readFileSync } from "node:fs";

const [file, count = "8"] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: cpu-profile-top.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
for (const [i, id] of profile.samples.entries()) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url === "" ? "" : ` ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  const key = `${functionName || "(anonymous)"}${where}`;
  self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
  total += profile.timeDeltas[i];
}
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
console.log(`${(total / 1000).toFixed(0).padStart(7)} ms total`);
