import { logSource } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, ppKvError } from "@mirage-ts/mirage-types";

const log = logSource("kv_ro");

export const Main = {
  async start(kv: KvRo): Promise<void> {
    const ourSecret = "foo\n";
    const stored = await kv.get(Key.v("secret"));
    if (!stored.ok) {
      log.warn(`Could not compare the secret against a known constant: ${ppKvError(stored.error)}`);
      return;
    }
    if (String.fromCharCode(...stored.value) === ourSecret)
      log.info("Contents of extremely secret vital storage confirmed!");
    else log.warn("The secret provided does not match!");
  },
};
