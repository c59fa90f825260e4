// The only way the webviews build DOM: text goes in through textContent, attributes through an
// allow-list (no event-handler attributes, no URLs, no inline style markup). Rollout text is
// untrusted model output (docs/webviews.md#security-rules), so nothing here ever parses a string as HTML.

export type Child = Node | string | null | undefined | false;

export interface ElOptions {
  cls?: string | string[];
  text?: string;
  title?: string;
  attrs?: Record<string, string | number | boolean>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

const SAFE_ATTR =
  /^(role|tabindex|id|for|type|value|placeholder|colspan|rowspan|disabled|checked|selected|hidden|appearance|open|(aria|data)-[a-z-]+)$/;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElOptions = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (opts.cls) node.className = Array.isArray(opts.cls) ? opts.cls.filter(Boolean).join(' ') : opts.cls;
  if (opts.text !== undefined) node.textContent = opts.text;
  if (opts.title !== undefined) node.title = opts.title;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) setAttr(node, k, v);
  for (const [type, fn] of Object.entries(opts.on ?? {})) node.addEventListener(type, fn as EventListener);
  append(node, children);
  return node;
}

/** Custom elements (the UI toolkit's) by name, with the same rules as el(). */
export function custom(tag: string, opts: ElOptions = {}, children: Child[] = []): HTMLElement {
  if (!/^[a-z]+-[a-z-]+$/.test(tag)) throw new Error(`not a custom element name: ${tag}`);
  const node = document.createElement(tag);
  if (opts.cls) node.className = Array.isArray(opts.cls) ? opts.cls.join(' ') : opts.cls;
  if (opts.text !== undefined) node.textContent = opts.text;
  if (opts.title !== undefined) node.title = opts.title;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) setAttr(node, k, v);
  for (const [type, fn] of Object.entries(opts.on ?? {})) node.addEventListener(type, fn as EventListener);
  append(node, children);
  return node;
}

export function setAttr(node: Element, name: string, value: string | number | boolean): void {
  if (!SAFE_ATTR.test(name)) throw new Error(`attribute ${name} is not allowed in webview markup`);
  if (value === false) node.removeAttribute(name);
  else node.setAttribute(name, value === true ? '' : String(value));
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const n = document.getElementById(id);
  if (!n) throw new Error(`#${id} missing from the page`);
  return n as T;
}

/** Truncates for a label; the full text goes into a title or a detail pane. */
export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** Whitespace made visible in one-line labels: a token that is a newline must not vanish. */
export function visibleWhitespace(text: string): string {
  return text.replace(/\n/g, '⏎').replace(/\t/g, '⇥').replace(/ /g, '·');
}

/** A short status line in place of content (loading, empty, error). */
export function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return el('div', { cls: ['message', kind], text, attrs: { role: kind === 'error' ? 'alert' : 'status' } });
}

/**
 * Calls `redraw` (in the next frame) whenever `target` gets a new width: the side bar hidden or
 * shown, the panel resized. Height changes come from the view's own rendering and are ignored.
 */
export function onWidthChange(target: HTMLElement, redraw: () => void): void {
  let lastWidth = 0;
  let frame = 0;
  new ResizeObserver(() => {
    if (target.clientWidth === lastWidth) return;
    lastWidth = target.clientWidth;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(redraw);
  }).observe(target);
}
