import { expect } from "vitest";

/** Asserts that `run` throws an instance of `type` whose message is exactly `message`. */
export function expectThrow(run: () => unknown, type: new (message: string) => Error, message: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  expect((thrown as Error).message).toBe(message);
}

/** The sign of a comparison result as -1, 0 or 1 (never -0, which `toBe` tells from 0). */
export function sign(order: number): number {
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}
