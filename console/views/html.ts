// Escaping HTML templates: every interpolated value is escaped unless it is markup made by `html`
// itself, so nothing an order, Vinoshipper or a person typed can become markup on a console page.

import { escapeHtml } from '../../integrations/email/templates';

export { escapeHtml };

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: the literal parts are markup, the values are text (or `Html`). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

/** "3 min ago" for a time in the past, from the server's clock (pages refresh it every few seconds). */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

function exact(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A `<time>` showing how long ago, with the exact time on hover. */
export function timeAgo(iso: string): Html {
  return html`<time datetime="${iso}" title="${exact(iso)}">${ago(iso)}</time>`;
}

/** A `<time>` showing the exact time (UTC). */
export function timeAt(iso: string): Html {
  return html`<time datetime="${iso}">${exact(iso)}</time>`;
}
