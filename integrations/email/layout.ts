// One email built as plain text and HTML at once, so the two never say different things: the
// grouped alert, the daily digest and the catalogue check use it. Every value is escaped here.
import { escapeHtml as e, type RenderedEmail } from './templates';

export type Cell = string | { text: string; href: string };

const MUTED = 'color:#59636e';
const BUTTON = 'display:inline-block;padding:10px 16px;background:#008060;color:#fff;border-radius:6px;text-decoration:none';

export class EmailBuilder {
  private readonly text: string[] = [];
  private readonly html: string[] = [];

  paragraph(line: string, { muted = false } = {}): this {
    this.text.push(line, '');
    this.html.push(muted ? `<p style="${MUTED}">${e(line)}</p>` : `<p>${e(line)}</p>`);
    return this;
  }

  heading(title: string): this {
    this.text.push(`${title}:`);
    this.html.push(`<h3 style="margin-bottom:4px">${e(title)}</h3>`);
    return this;
  }

  /** Verbatim lines (details as Vinoshipper gave them). */
  block(body: string): this {
    this.text.push(body, '');
    this.html.push(`<p style="white-space:pre-wrap;margin-top:0">${e(body)}</p>`);
    return this;
  }

  list(items: string[], { ordered = false } = {}): this {
    if (!items.length) return this;
    this.text.push(...items.map((item, i) => (ordered ? `${i + 1}. ${item}` : `- ${item}`)), '');
    const tag = ordered ? 'ol' : 'ul';
    this.html.push(`<${tag} style="margin-top:0">${items.map((item) => `<li>${e(item)}</li>`).join('')}</${tag}>`);
    return this;
  }

  /** Rows of cells; in the text version one line per row, cells joined by " · ", links spelled out. */
  table(headers: string[], rows: Cell[][]): this {
    if (!rows.length) return this;
    this.text.push(...rows.map((row) => `- ${row.map(cellText).filter(Boolean).join(' · ')}`), '');
    const th = headers.map((h) => `<th align="left" style="padding:4px 8px;border-bottom:1px solid #d1d9e0">${e(h)}</th>`).join('');
    const body = rows.map((row) => `<tr>${row.map((cell) => `<td style="padding:4px 8px;vertical-align:top">${cellHtml(cell)}</td>`).join('')}</tr>`);
    this.html.push(`<table style="border-collapse:collapse;font-size:14px"><tr>${th}</tr>${body.join('')}</table>`);
    return this;
  }

  /** The one primary link of the email (a button in HTML). */
  action(label: string, url: string): this {
    this.text.push(`${label}: ${url}`, '');
    this.html.push(`<p><a href="${e(url)}" style="${BUTTON}">${e(label)}</a></p>`);
    return this;
  }

  link(label: string, url: string): this {
    this.text.push(`${label}: ${url}`, '');
    this.html.push(`<p><a href="${e(url)}">${e(label)}</a></p>`);
    return this;
  }

  build(subject: string, footer: string): RenderedEmail {
    const text = [...this.text, footer].join('\n');
    const html = [
      '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5;max-width:640px">',
      ...this.html,
      `<p style="${MUTED};font-size:12px">${e(footer)}</p>`,
      '</body></html>',
    ].join('');
    // A header value: one line, whatever the inputs held.
    return { subject: subject.replace(/\s+/g, ' ').trim(), html, text };
  }
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : `${cell.text}: ${cell.href}`;
}

function cellHtml(cell: Cell): string {
  return typeof cell === 'string' ? e(cell) : `<a href="${e(cell.href)}">${e(cell.text)}</a>`;
}
