// The one module that knows about @vscode/webview-ui-toolkit (archived upstream): every control the
// webviews use is made here, so swapping the toolkit for plain elements touches this file only.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { custom, el } from './dom';

let registered = false;

/** Defines the toolkit's custom elements once per page. */
export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
}

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; title?: string; id?: string } = {}): HTMLElement {
  return custom('vscode-button', {
    text: label,
    ...(opts.title ? { title: opts.title } : {}),
    attrs: { appearance: opts.secondary ? 'secondary' : 'primary', ...(opts.id ? { id: opts.id } : {}) },
    on: { click: () => onClick() },
  });
}

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export function dropdown<T extends string>(
  choices: ReadonlyArray<Choice<T>>,
  value: T,
  onChange: (v: T) => void,
  opts: { label?: string; id?: string } = {},
): HTMLElement {
  const dd = custom(
    'vscode-dropdown',
    { attrs: { ...(opts.label ? { 'aria-label': opts.label } : {}), ...(opts.id ? { id: opts.id } : {}) } },
    choices.map((c) =>
      custom('vscode-option', { text: c.label, attrs: { value: c.value, ...(c.value === value ? { selected: true } : {}) } }),
    ),
  );
  dd.addEventListener('change', () => {
    const v = (dd as HTMLElement & { value: string }).value;
    const hit = choices.find((c) => c.value === v);
    if (hit) onChange(hit.value);
  });
  return dd;
}

/** Sets a dropdown's value without firing its change handler (the view changed it, not the user). */
export function setDropdownValue(dd: HTMLElement, value: string): void {
  if ('value' in dd) dd.value = value;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, opts: { id?: string } = {}): HTMLElement {
  const cb = custom('vscode-checkbox', {
    text: label,
    attrs: { ...(checked ? { checked: true } : {}), ...(opts.id ? { id: opts.id } : {}) },
  });
  cb.addEventListener('change', () => onChange((cb as HTMLElement & { checked: boolean }).checked));
  return cb;
}

export function textField(
  placeholder: string,
  value: string,
  onInput: (v: string) => void,
  opts: { label?: string; id?: string } = {},
): HTMLElement {
  const tf = custom('vscode-text-field', {
    attrs: { placeholder, value, ...(opts.label ? { 'aria-label': opts.label } : {}), ...(opts.id ? { id: opts.id } : {}) },
  });
  tf.addEventListener('input', () => onInput((tf as HTMLElement & { value: string }).value));
  return tf;
}

/** A plain element, not the toolkit's badge: its template sets an inline style attribute, which the CSP blocks. */
export function badge(text: string, title?: string): HTMLElement {
  return el('span', { cls: 'pill', text, ...(title ? { title } : {}) });
}
