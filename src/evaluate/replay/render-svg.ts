import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Render a Vega-Lite spec to a standalone SVG string, in Node, with no renderer attached (the
 * headless `View` of vega: `renderer: 'none'`, then `toSVG`). The data must be inline: no
 * loader is given a base URL, so nothing is fetched.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
