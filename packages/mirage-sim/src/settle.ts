/**
 * `settle`: lets every pending promise continuation run before virtual time moves. A macrotask turn
 * drains the microtask queue; the sim looks the scheduler up on `globalThis` so the package imports
 * nothing from `node:` (Node has `setImmediate`, browsers and Deno `MessageChannel`).
 *
 * @packageDocumentation
 */

type Immediate = (callback: () => void) => unknown;

const host = globalThis as { setImmediate?: Immediate; MessageChannel?: new () => ChannelPair };

interface ChannelPair {
  readonly port1: { onmessage: (() => void) | null; close(): void };
  readonly port2: { postMessage(message: unknown): void; close(): void };
}

function channelTurn(callback: () => void): void {
  const Channel = host.MessageChannel;
  if (Channel === undefined) throw new Error("mirage-sim needs setImmediate or MessageChannel on globalThis");
  const channel = new Channel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    channel.port2.close();
    callback();
  };
  channel.port2.postMessage(undefined);
}

const turn: Immediate = host.setImmediate?.bind(globalThis) ?? channelTurn;

/**
 * Resolves after the current microtask queue has drained (one macrotask turn).
 *
 * @beta
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    turn(resolve);
  });
}
