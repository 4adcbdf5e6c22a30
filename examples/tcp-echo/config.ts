// mirage >= 0.2.0 & < 0.3.0
import { defaultNetwork, fn, genericStackv4v6, job, main, register, stackv4v6 } from "@mirage-ts/mirage-cli";

// `--net=socket` runs it on the host's sockets; `--net=direct` on mirage-ts's own TCP/IP stack over
// `--interface` (DHCP, or `--ipv4` after `--no-dhcp`).
const echo = main({ module: "./unikernel.js", name: "Echo", type: fn(stackv4v6, job) });

register("tcp-echo", [echo.$(genericStackv4v6(defaultNetwork))]);
