/**
 * The compiler that type-checks: TypeScript 7's native binary where it is installed, else the
 * TypeScript 6 API. Both take the same request and report the same way.
 */

import { apiCheck, apiCompilerVersion } from "./api-check.js";
import { type NativeCompiler, findNativeCompiler, nativeCheck } from "./native-check.js";
import type { CheckRequest, CheckResult } from "./request.js";

/** A compiler able to type-check. */
export interface Checker {
  /** `TypeScript 7.0.2` or `TypeScript 6.0.3`, for the progress lines. */
  readonly name: string;
  check(request: CheckRequest): Promise<CheckResult>;
}

/**
 * The checker to use. `native` is the native compiler (by default, the one installed); `null`
 * means it is not installed, and the TypeScript 6 API is used.
 */
export function chooseChecker(native: NativeCompiler | null = findNativeCompiler() ?? null): Checker {
  if (native !== null)
    return { name: `TypeScript ${native.version}`, check: (request) => nativeCheck(native, request) };
  return { name: `TypeScript ${apiCompilerVersion()}`, check: async (request) => apiCheck(request) };
}

export type { CheckRequest, CheckResult };
