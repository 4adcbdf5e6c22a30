import { readFileSync } from "node:fs";
import { Zone } from "../../src/index.js";

export const zoneFile = new URL("../fixtures/example.com.zone", import.meta.url);

/** The test zone, parsed (a parse error fails the test with its file:line). */
export function exampleZone(): Zone {
  const parsed = Zone.parse(readFileSync(zoneFile, "utf8"), "example.com.zone", "example.com");
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
