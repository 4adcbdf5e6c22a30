/**
 * Draws the device graph of `describe --dot -o FILE.svg` with Graphviz compiled to WebAssembly
 * (`@viz-js/viz`), so no Graphviz program needs to be installed. The module (about 1 MB) is
 * loaded only when an SVG is asked for.
 */

/** Loads Graphviz and returns the function drawing dot text as an SVG document. */
export async function svgRenderer(): Promise<(dot: string) => string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return (dot) => {
    const result = viz.render(dot, { format: "svg" });
    if (result.status === "failure")
      throw new Error(`Graphviz failed: ${result.errors.map((e) => e.message.trim()).join("; ")}`);
    return result.output;
  };
}
