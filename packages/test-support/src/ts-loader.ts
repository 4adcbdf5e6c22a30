// The module that a child `node --import`s to run this repository's TypeScript sources directly.
import { fileURLToPath } from "node:url";

/** Path of register-ts.mjs: `node --conditions=mirage-source --import <it> file.ts`. */
export const registerTypeScript = fileURLToPath(new URL("./register-ts.mjs", import.meta.url));
