/** A small element builder: text goes in as text nodes, never as HTML, so names from files cannot inject markup. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

/** Replaces an element's children, skipping null / false (for conditional parts). */
export function fill(el: Element, ...children: Child[]) {
  el.replaceChildren();
  append(el, children);
}

function append(el: Element, children: Child[]) {
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
}

/** Adds page CSS as a constructable stylesheet (not subject to the CSP's style-src; no inline <style> needed). */
export function adoptCss(css: string) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/**
 * An arch string / hash / genotype as text pieces with a break opportunity between edges (after a `|`
 * that does not open `+`, and after commas), so it wraps at edges rather than every few characters.
 */
export function archWithBreaks(arch: string): (string | HTMLElement)[] {
  const parts = arch.split(/(?<=[|,]\s?)(?!\+|$)/);
  const out: (string | HTMLElement)[] = [];
  parts.forEach((p, i) => {
    out.push(p);
    if (i < parts.length - 1) out.push(document.createElement('wbr'));
  });
  return out;
}
