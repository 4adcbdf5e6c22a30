// register-ts.mjs: `node --import` this file to install ts-hooks.mjs.
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
