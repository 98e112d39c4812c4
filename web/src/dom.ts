/**
 * The one way the dashboard builds DOM: elements whose text is always set with `textContent`, never
 * parsed as HTML. Every user-controlled string (run ids, experiment names, class names, config
 * values, error messages) reaches the page through {@link h} or {@link setText}, so a class folder
 * named `<img src=x onerror=alert(1)>` shows as those characters (issue 11, "Bad input and security").
 */

/** A child of {@link h}: an element, a string (becomes a text node), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of {@link h}: `class`, `title`, `data-*`, `aria-*` … as text; `on*` handlers as functions. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** Attribute names {@link h} refuses to set from a string: they would run or load what the string says. */
const UNSAFE_ATTRIBUTE = /^(on|srcdoc$|formaction$)/i;

/**
 * Creates an element with attributes and children; strings become text nodes (never HTML).
 * `href` accepts only `#…` (the app's own routes) and `http(s):`/relative links without a scheme.
 * @param tag an HTML tag name, e.g. `div`.
 * @param attrs attributes; a function value for `onclick` etc. becomes an event listener; `false`,
 *   `null` and `undefined` values are left out, `true` sets an empty attribute.
 * @throws Error for an event-handler attribute given as a string, or an `href` with another scheme.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, ''), value);
      continue;
    }
    if (UNSAFE_ATTRIBUTE.test(name)) throw new Error(`h(): refusing to set ${name} from a string`);
    const text = value === true ? '' : String(value);
    if (name === 'href' && /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:/i.test(text)) {
      throw new Error(`h(): refusing href with scheme ${text.split(':')[0]}`);
    }
    el.setAttribute(name, text);
  }
  append(el, ...children);
  return el;
}

/** Appends children to `parent` (strings and numbers as text nodes). */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent` by `children`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Sets an element's text (as text, never HTML); skips the DOM write when it is unchanged. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * A `<select>` of `options` ([value, label] pairs) with `value` selected, calling `onChange`.
 * @returns the element.
 */
export function select(options: readonly (readonly [string, string])[], value: string, onChange: (v: string) => void, attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs, ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** A labelled checkbox calling `onChange` with its state. */
export function checkbox(label: Child, checked: boolean, onChange: (on: boolean) => void, attrs: Attrs = {}): HTMLLabelElement {
  const input = h('input', { type: 'checkbox', checked });
  input.addEventListener('change', () => onChange(input.checked));
  return h('label', { class: 'check', ...attrs }, input, label);
}
