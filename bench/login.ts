/**
 * Logs in through the portal's real form, as a browser does: the home page's cookies (the
 * visitor's token cookie) go back with the form, and the session cookie of the answer is
 * returned (`name=value`) for the benchmark's requests.
 */
export async function loginThroughForm(
  base: string, loginId: string, password: string,
  opts: { headers?: Record<string, string>; sessionCookie?: string } = {},
): Promise<string> {
  const headers = opts.headers ?? {};
  const sessionCookie = opts.sessionCookie ?? 'ac.sid';
  const home = await fetch(`${base}/`, { headers });
  const cookies = home.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1];
  if (!token) throw new Error('no login form on the home page');
  const res = await fetch(`${base}/acceso`, {
    method: 'POST', redirect: 'manual',
    headers: {
      ...headers, ...(cookies ? { cookie: cookies } : {}), 'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: token, loginId, password }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookie}=`))?.split(';')[0];
  if (res.status !== 303 || !session) throw new Error(`login of ${loginId} failed: ${res.status}`);
  return session;
}
