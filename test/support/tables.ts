/**
 * Tables on phones (WCAG 1.4.10): the reference the rendered pages are held to. A table marked
 * `class="… stack"` becomes one card per row below ~40rem: each cell carries its column's
 * heading as `data-label`, which the stylesheet shows before the value. Any other table keeps
 * its scroll box, which is a focusable group named by the caption (not a landmark: its section
 * is one already), so it can be scrolled from the keyboard.
 *
 * This used to be a pass over every page's HTML in `render` (70–160 µs of CPU a request on the
 * invoice and consumption pages). The templates now write the labels and the group's name
 * themselves; this pass stays as the tests' oracle: applied to a page, it must find nothing
 * left to add (test/support/context.ts checks every page the suite renders).
 */

const TABLE = /(<div class="table-wrap">\s*)?<table\b([^>]*)>([\s\S]*?)<\/table>/g;

const plain = (html: string) => html
  .replace(/<span class="visually-hidden">([\s\S]*?)<\/span>/g, ' $1 ')
  .replace(/<[^>]+>/g, '')
  .replace(/\s+/g, ' ')
  .trim()
  .replace(/"/g, '&quot;');

function headings(thead: string): string[] {
  const row = /<tr\b[^>]*>([\s\S]*?)<\/tr>/.exec(thead)?.[1] ?? '';
  return [...row.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => plain(m[1] ?? ''));
}

function labelRows(body: string, labels: string[]): string {
  return body.replace(/<tr\b[^>]*>[\s\S]*?<\/tr>/g, (row) => {
    if (/\scolspan="/.test(row)) return row;
    let col = 0;
    return row.replace(/<(td|th)\b(?![^>]*\sdata-label=)/g, (cell) => `${cell} data-label="${labels[col++] ?? ''}"`);
  });
}

export function enhanceTables(html: string): string {
  if (!html.includes('<table')) return html;
  return html.replace(TABLE, (whole, wrap: string | undefined, attrs: string, inner: string) => {
    if (/\bclass="[^"]*\bstack\b/.test(attrs)) {
      const thead = /<thead\b[^>]*>([\s\S]*?)<\/thead>/.exec(inner)?.[1];
      if (!thead) return whole;
      const labels = headings(thead);
      const labelled = inner.replace(/(<tbody\b[^>]*>)([\s\S]*?)(<\/tbody>)/g, (_b, open: string, rows: string, close: string) => open + labelRows(rows, labels) + close);
      return `${wrap ?? ''}<table${attrs}>${labelled}</table>`;
    }
    if (!wrap) return whole;
    const caption = /<caption\b[^>]*>([\s\S]*?)<\/caption>/.exec(inner)?.[1];
    if (!caption) return whole;
    return `<div class="table-wrap" role="group" tabindex="0" aria-label="${plain(caption)}">${wrap.slice(
      '<div class="table-wrap">'.length,
    )}<table${attrs}>${inner}</table>`;
  });
}
