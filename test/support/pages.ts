import { csrfFrom, type Agent } from './factories';

/** The page's error next to a field (the _field partial's markup), or null. */
export function fieldError(html: string, field: string): string | null {
  const m = new RegExp(`id="f-${field}-error"><span class="visually-hidden">Error:</span> ([^<]*)</p>`).exec(html);
  return m ? m[1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') : null;
}

/** The value a form re-rendered into an input, or null. */
export function inputValue(html: string, field: string): string | null {
  const m = new RegExp(`<input id="f-${field}" name="${field}"[^>]* value="([^"]*)"`).exec(html);
  return m ? m[1]! : null;
}

/** The request id of a redirect to its detail page (/gestiones/:id). */
export function requestIdFrom(location: string | undefined): number {
  const m = /^\/gestiones\/(\d+)$/.exec(location ?? '');
  if (!m) throw new Error(`not a request detail: ${location}`);
  return Number(m[1]);
}

/** Opens the page and returns its form token. */
export async function formTokenOf(agent: Agent, path: string): Promise<string> {
  return csrfFrom((await agent.get(path).expect(200)).text);
}
