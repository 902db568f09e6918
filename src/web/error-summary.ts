/**
 * The links of an error summary name their field ("Nombre: Este campo es requerido"): a list
 * of seven identical "Este campo es requerido" says nothing to someone who hears it. The
 * name is taken from the page itself (the field's label, or the legend of a radio group), so
 * every form gets it without each route passing its labels along.
 */

const SUMMARY = /(<div class="error-summary"[\s\S]*?<\/div>)/;
const LINK = /<a href="#([A-Za-z][\w-]*)">([\s\S]*?)<\/a>/g;

function text(html: string): string {
  return html
    .replace(/<span class="optional">[\s\S]*?<\/span>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[:*]$/, '')
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The accessible name a person sees for the field with this id, or undefined. */
export function fieldName(html: string, id: string): string | undefined {
  const at = html.search(new RegExp(`<(input|select|textarea)\\b[^>]*\\bid="${escapeRegExp(id)}"`));
  if (at >= 0) {
    const tag = /^<[^>]*>/.exec(html.slice(at))?.[0] ?? '';
    if (/\btype="radio"/.test(tag)) {
      const before = html.slice(0, at);
      const open = before.lastIndexOf('<fieldset');
      if (open >= 0 && before.indexOf('</fieldset>', open) < 0) {
        const legend = /<legend[^>]*>([\s\S]*?)<\/legend>/.exec(before.slice(open))?.[1];
        if (legend) return text(legend) || undefined;
      }
    }
  }
  const label = new RegExp(`<label[^>]*\\bfor="${escapeRegExp(id)}"[^>]*>([\\s\\S]*?)</label>`).exec(html)?.[1];
  return label ? text(label) || undefined : undefined;
}

/** Prefixes each error-summary link with the name of the field it leads to. */
export function nameErrorSummaryLinks(html: string): string {
  return html.replace(SUMMARY, (summary) => summary.replace(LINK, (link, id: string, message: string) => {
    const name = fieldName(html, id);
    return name && !message.startsWith(`${name}:`) ? `<a href="#${id}">${name}: ${message}</a>` : link;
  }));
}
