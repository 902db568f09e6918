import type { ReplayFields } from '../data/form-replays-repo';

/**
 * Puts kept values back into one form of a rendered page (the form posting to `action`):
 * text inputs, textareas, selects, radios and checkboxes. Hidden, file, password and button
 * inputs are left as the page made them. Works on the page's HTML, so every form gets it
 * without its route knowing.
 */

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const v = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return v === undefined ? undefined : unescapeHtml(v);
};
const values = (fields: ReplayFields, name: string): string[] | undefined => {
  const v = fields[name];
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
};
const SKIPPED = new Set(['hidden', 'file', 'password', 'submit', 'button', 'reset', 'image']);

function fillInput(tag: string, fields: ReplayFields): string {
  const name = attr(tag, 'name');
  const type = (attr(tag, 'type') ?? 'text').toLowerCase();
  if (!name || SKIPPED.has(type)) return tag;
  const vs = values(fields, name);
  if (type === 'radio' || type === 'checkbox') {
    const own = attr(tag, 'value') ?? 'on';
    const unchecked = tag.replace(/\schecked(="[^"]*")?(?=[\s>/])/g, '');
    return vs?.includes(own) ? unchecked.replace(/\s*\/?>$/, (end) => ` checked${end}`) : unchecked;
  }
  if (!vs) return tag;
  const value = ` value="${escapeHtml(vs[0] ?? '')}"`;
  return /\svalue="[^"]*"/.test(tag) ? tag.replace(/\svalue="[^"]*"/, value) : tag.replace(/\s*\/?>$/, (end) => `${value}${end}`);
}

function fillSelect(open: string, options: string, fields: ReplayFields): string {
  const name = attr(open, 'name');
  const vs = name ? values(fields, name) : undefined;
  if (!vs) return open + options;
  const filled = options.replace(/<option\b[^>]*>/g, (tag) => {
    const plain = tag.replace(/\sselected(="[^"]*")?(?=[\s>])/g, '');
    return vs.includes(attr(tag, 'value') ?? '') ? plain.replace(/>$/, ' selected>') : plain;
  });
  return open + filled;
}

function fillForm(form: string, fields: ReplayFields): string {
  return form
    .replace(/(<textarea\b[^>]*>)([\s\S]*?)(<\/textarea>)/g, (whole, open: string, _text: string, close: string) => {
      const name = attr(open, 'name');
      const vs = name ? values(fields, name) : undefined;
      return vs ? `${open}${escapeHtml(vs[0] ?? '')}${close}` : whole;
    })
    .replace(/(<select\b[^>]*>)([\s\S]*?)(?=<\/select>)/g, (_whole, open: string, options: string) => fillSelect(open, options, fields))
    .replace(/<input\b[^>]*>/g, (tag) => fillInput(tag, fields));
}

/** The page with the form posting to `action` filled in; the page unchanged when it has no such form. */
export function fillFormInPage(html: string, action: string, fields: ReplayFields): string {
  const start = html.search(new RegExp(`<form\\b[^>]*\\saction="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  if (start < 0) return html;
  const end = html.indexOf('</form>', start);
  if (end < 0) return html;
  return html.slice(0, start) + fillForm(html.slice(start, end), fields) + html.slice(end);
}
