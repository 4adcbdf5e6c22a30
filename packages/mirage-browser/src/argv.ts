/**
 * `queryArgv`: a page's run-time arguments, from its query string.
 *
 * @packageDocumentation
 */

/**
 * The command line a query string stands for, in order: `name=value` gives `--name=value`, a bare
 * `name` (or `name=`) the flag `--name`, a one-letter name the short option `-l value`; a name that
 * already starts with `-` is kept as it is. So `?hello=Hi&l=debug&interface=ws://127.0.0.1:8090`
 * is `--hello=Hi -l debug --interface=ws://127.0.0.1:8090`.
 *
 * @beta
 */
export function queryArgv(search: string = typeof location === "undefined" ? "" : location.search): string[] {
  const argv: string[] = [];
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === "") continue;
    const name = key.startsWith("-") ? key : key.length === 1 ? `-${key}` : `--${key}`;
    if (value === "") argv.push(name);
    else if (name.startsWith("--")) argv.push(`${name}=${value}`);
    else argv.push(name, value);
  }
  return argv;
}
