// Two tcpip direct stacks on an in-process virtual switch, on real time: Node's HTTP, TLS and undici
// run over their flows exactly as over the tap, without a kernel in between.
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { unixClock } from "@mirage-ts/mirage-unix";
import { DirectStack, SeededRandom, VirtualSwitch } from "@mirage-ts/tcpip";

export interface Lab {
  readonly server: DirectStack;
  readonly client: DirectStack;
  readonly serverAddr: Ipv4Addr;
  disconnect(): Promise<void>;
}

export async function directPair(seed = 7): Promise<Lab> {
  const random = new SeededRandom(seed);
  const sw = new VirtualSwitch({ clock: unixClock, random });
  const stack = (mac: string, cidr: string) =>
    DirectStack.connect({
      netif: sw.connect({ mac: Macaddr.parse(mac) }),
      clock: unixClock,
      random,
      ipv4: { cidr: Ipv4Prefix.parse(cidr) },
      tcp: { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 },
    });
  const server = await stack("02:00:00:00:01:01", "10.7.0.1/24");
  const client = await stack("02:00:00:00:01:02", "10.7.0.2/24");
  return {
    server,
    client,
    serverAddr: Ipv4Addr.parse("10.7.0.1"),
    async disconnect() {
      await client.disconnect();
      await server.disconnect();
    },
  };
}
