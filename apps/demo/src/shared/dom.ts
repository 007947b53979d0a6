// Tiny DOM helpers: typed lookups that fail loudly, and element creation without a framework.

/** The element with this id, checked to be of the expected class (a missing id is a bug, said clearly). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T;
export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, type?: new () => T): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no element #${id}`);
  if (type !== undefined && !(found instanceof type)) throw new Error(`#${id} is a <${found.tagName.toLowerCase()}>, not the expected element`);
  return found;
}

type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (`class`, `aria-*`, `data-*` ...) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  return element;
}

/** Runs `draw` at most once per animation frame, however often it is requested. */
export function frameThrottle(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}
