import type { Page } from 'playwright-core';

export interface LowContrast {
  text: string;
  ratio: number;
  needed: number;
  colour: string;
  background: string;
}

/**
 * How many visible texts the page shows (shadow roots included), and those whose contrast with what is
 * behind them is under WCAG 2 AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). The background is
 * the first opaque one among the element's ancestors, with the translucent ones above it laid over it.
 */
export function lowContrast(page: Page): Promise<{ checked: number; failures: LowContrast[] }> {
  return page.evaluate(() => {
    // The few DOM shapes this reads, declared here: the test sources are type-checked without the DOM library.
    interface Style {
      color: string;
      backgroundColor: string;
      visibility: string;
      display: string;
      fontSize: string;
      fontWeight: string;
    }
    interface Element {
      tagName: string;
      parentElement: Element | null;
      shadowRoot: Root | null;
      childNodes: Iterable<{ nodeType: number; textContent: string | null }>;
      getRootNode(): { host?: Element };
      getBoundingClientRect(): { width: number; height: number };
    }
    interface Root {
      querySelectorAll(selector: string): Iterable<Element>;
    }
    const dom = globalThis as unknown as {
      document: { documentElement: Element & Root };
      getComputedStyle(element: Element): Style;
      matchMedia(query: string): { matches: boolean };
    };
    const TEXT_NODE = 3;
    type Rgba = [number, number, number, number];
    const parse = (colour: string): Rgba => {
      const parts = colour.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + below[0] * (1 - a), top[1] * a + below[1] * (1 - a), top[2] * a + below[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const channel = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const parentOf = (element: Element): Element | null => element.parentElement ?? element.getRootNode().host ?? null;
    const backgroundOf = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = parentOf(at)) {
        const colour = parse(dom.getComputedStyle(at).backgroundColor);
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] >= 1) break;
      }
      // The canvas behind the page follows the theme the root declares.
      let base: Rgba = dom.matchMedia('(prefers-color-scheme: dark)').matches ? [18, 22, 29, 1] : [255, 255, 255, 1];
      if (layers.at(-1)?.[3] === 1) base = layers.pop() as Rgba;
      return layers.reverse().reduce((below, top) => over(top, below), base);
    };
    const found: LowContrast[] = [];
    let checked = 0;
    const visit = (root: Root) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) visit(element.shadowRoot);
        const text = [...element.childNodes]
          .filter((n) => n.nodeType === TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
        if (text === '' || ['SCRIPT', 'STYLE', 'TITLE', 'OPTION'].includes(element.tagName)) continue;
        const style = dom.getComputedStyle(element);
        const box = element.getBoundingClientRect();
        if (style.visibility !== 'visible' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
        checked++;
        const background = backgroundOf(element);
        const colour = over(parse(style.color), background);
        const [light, dark] = [luminance(colour), luminance(background)].sort((a, b) => b - a) as [number, number];
        const ratio = (light + 0.05) / (dark + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        const needed = large ? 3 : 4.5;
        if (ratio < needed) {
          const rgb = (c: Rgba) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
          found.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, needed, colour: rgb(colour), background: rgb(background) });
        }
      }
    };
    visit(dom.document.documentElement);
    return { checked, failures: found };
  });
}
