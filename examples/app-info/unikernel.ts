import type { Console } from "@mirage-ts/mirage-types";

/** What `appInfo()` gives: the name and the package versions recorded at configure time. */
export interface AppInfo {
  readonly name: string;
  readonly packages: readonly { readonly name: string; readonly version: string }[];
}

export const Main = {
  async start(console: Console, info: AppInfo): Promise<void> {
    const packages = info.packages.map((p) => `${p.name}.${p.version}`).join("; ");
    await console.log(`name = ${info.name}\npackages = [${packages}]`);
  },
};
