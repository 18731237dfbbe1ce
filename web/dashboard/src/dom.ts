// DOM building without innerHTML: every value from the node goes in as text, so nothing it sends can inject markup.

export type Child = Node | string | number | null | undefined | false;

type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') {
        el.addEventListener(key.replace(/^on/, ''), value);
      } else if (key === 'class') {
        el.className = String(value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A link inside the single-page app. */
export function link(route: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href: `#${route}` }, ...children);
}

/** A monospace value shortened for tables, with the whole value on hover. */
export function mono(value: string | null | undefined, shortened?: string): HTMLElement {
  return h('span', { class: 'mono', title: value ?? undefined }, shortened ?? value ?? '–');
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  /** 'num' right-aligns figures so their digits line up. */
  class?: string;
}

/** A table whose rows can be decorated (test hooks, live state) by `rowAttrs`. */
export function table<T>(columns: Column<T>[], rows: T[], rowAttrs?: (row: T) => Attrs): HTMLTableElement {
  return h(
    'table',
    null,
    h('thead', null, h('tr', null, ...columns.map((c) => h('th', { class: c.class }, c.title)))),
    h('tbody', null, ...rows.map((row) => h('tr', rowAttrs?.(row) ?? null, ...columns.map((c) => h('td', { class: c.class }, c.cell(row)))))),
  );
}

/** A definition list of label/value pairs, the layout of every detail view. */
export function fields(pairs: [string, Child][]): HTMLDListElement {
  return h('dl', { class: 'fields' }, ...pairs.flatMap(([label, value]) => [h('dt', null, label), h('dd', null, value)]));
}

export function section(title: Child, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}
