/**
 * `pageOutput`: where a unikernel's standard output and error go in a page: the browser's console
 * (`console.log` and `console.error`, a line at a time) and, when the page has one, an element
 * showing both streams in order, each write a `<span>` of class `out` or `err`.
 *
 * @packageDocumentation
 */

import type { Output } from "@mirage-ts/mirage-runtime";

/**
 * The id of the element {@link pageOutput} writes into by default; the page `mirage build` makes
 * for the browser target has a `<pre>` with it.
 *
 * @beta
 */
export const OUTPUT_ELEMENT_ID = "mirage-output";

/** Writes whole lines to `print`, holding back a line until its end arrives. */
class LineBuffer {
  #partial = "";
  readonly #print: (line: string) => void;

  constructor(print: (line: string) => void) {
    this.#print = print;
  }

  write(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#print(line);
  }
}

function findElement(id: string | null): Element | null {
  if (id === null || typeof document === "undefined") return null;
  return document.getElementById(id);
}

function appender(element: Element | null, className: "out" | "err"): (text: string) => void {
  if (element === null) return () => {};
  return (text) => {
    const span = element.ownerDocument.createElement("span");
    span.className = className;
    span.textContent = text;
    element.append(span);
  };
}

/**
 * An `Output` for a page: each stream goes to the browser's console by lines (standard output with
 * `console.log`, standard error with `console.error`) and, in order, to the element whose id is
 * `elementId` (`null`: none) if the page has it.
 *
 * @beta
 */
export function pageOutput(elementId: string | null = OUTPUT_ELEMENT_ID): Output {
  const element = findElement(elementId);
  const outLines = new LineBuffer((line) => console.log(line));
  const errLines = new LineBuffer((line) => console.error(line));
  const showOut = appender(element, "out");
  const showErr = appender(element, "err");
  return {
    out(text) {
      outLines.write(text);
      showOut(text);
    },
    err(text) {
      errLines.write(text);
      showErr(text);
    },
  };
}

let shared: Output | undefined;

/**
 * The page's output, made once: what the generated entry, the log reporter and the console device
 * of the browser target share, so that their writes stay in order.
 *
 * @beta
 */
export function browserOutput(): Output {
  shared ??= pageOutput();
  return shared;
}
