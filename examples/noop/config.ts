// mirage >= 0.2.0 & < 0.3.0
import { register } from "@mirage-ts/mirage-cli";

// No job at all: only Mirage's init jobs run, then the unikernel exits with 0.
register("noop", []);
