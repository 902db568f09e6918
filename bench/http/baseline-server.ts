/**
 * The minimal implementation the portal is measured against (`npm run bench:http`): bare
 * Express 5 + Eta and node-postgres on the same database, no session library, no helmet, no
 * logging. It serves the same URLs with comparable HTML, reading the same kind of rows, and
 * pads each page with `SELECT 1` up to the number of queries the portal sent for it (header
 * `x-bench-queries`), so only the framework and application overhead differs.
 */
import crypto from 'node:crypto';
import express, { type Request, type Response } from 'express';
import compression from 'compression';
import { Eta } from 'eta';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 10 });
const secret = process.env.SESSION_SECRET ?? '';
const cookieName = process.env.BASELINE_COOKIE ?? 'ac.sid';
const eta = new Eta({ cache: true, autoEscape: true });

const layout = `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · Área Clientes</title><link rel="stylesheet" href="/static/app.css"><script src="/static/vendor/htmx.min.js" defer></script></head>
<body hx-boost="true"><a class="skip" href="#main">Saltar al contenido</a><header class="site"><nav aria-label="Principal"><a href="/">Área Clientes</a>
<% if (it.user) { %><span><%= it.user.first_name %> <%= it.user.last_name %></span><a href="/suministros">Mis suministros</a><a href="/gestiones">Mis gestiones</a><a href="/ajustes">Ajustes</a>
<form method="post" action="/salir"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><button>Salir</button></form><% } %></nav></header>
<main id="main"><h1><%= it.title %></h1><%~ it.body %></main><footer><a href="/ayuda">Ayuda</a> · <a href="/legal/privacidad">Privacidad</a> · <a href="/legal/cookies">Cookies</a></footer></body></html>`;
eta.loadTemplate('@layout', layout);
eta.loadTemplate('@home', `<form method="post" action="/acceso" novalidate><input type="hidden" name="_csrf" value="<%= it.csrf %>">
<label for="loginId">NIF o NIE</label><input id="loginId" name="loginId" autocomplete="username" required>
<label for="password">Contraseña</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button>Entrar</button></form><p><a href="/alta">Darse de alta</a> · <a href="/recuperar">¿Has olvidado tu contraseña?</a></p>
<% for (let i = 0; i < 12; i++) { %><section class="card"><h2>Ventaja <%= i + 1 %></h2><p>Gestiona tus suministros de luz y gas, descarga tus facturas y consulta tu consumo sin esperas.</p></section><% } %>`);
eta.loadTemplate('@table', `<% if (it.q !== undefined) { %><form method="get"><label for="q">Buscar</label><input id="q" name="q" value="<%= it.q %>"><button>Buscar</button></form><% } %>
<p><%= it.total %> resultados</p><table><thead><tr><% for (const h of it.head) { %><th scope="col"><%= h %></th><% } %></tr></thead><tbody>
<% for (const r of it.rows) { %><tr><% for (const c of r) { %><td><%= c %></td><% } %></tr><% } %></tbody></table>
<% if (it.svg) { %><svg role="img" viewBox="0 0 720 240" aria-label="Consumo"><% it.svg.forEach((v, i) => { %><rect x="<%= i * 30 %>" y="<%= 240 - v %>" width="24" height="<%= v %>"/><% }) %></svg><% } %>`);

function sessionId(req: Request): string | null {
  const raw = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${cookieName}=`));
  if (!raw) return null;
  const value = decodeURIComponent(raw.slice(cookieName.length + 1));
  if (!value.startsWith('s:')) return null;
  const dot = value.lastIndexOf('.');
  const sid = value.slice(2, dot);
  const mac = crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return mac === value.slice(dot + 1) ? sid : null;
}

interface Ctx { queries: number; user?: Record<string, unknown> }

async function q(ctx: Ctx, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  ctx.queries++;
  return pool.query(sql, params);
}

async function pad(req: Request, ctx: Ctx): Promise<void> {
  const want = Number(req.get('x-bench-queries') ?? 0);
  while (ctx.queries < want) await q(ctx, 'SELECT 1');
}

async function loggedIn(req: Request, res: Response): Promise<Ctx | null> {
  const ctx: Ctx = { queries: 0 };
  const sid = sessionId(req);
  const s = sid ? (await q(ctx, 'SELECT sess FROM sessions WHERE sid = $1 AND expire >= now()', [sid])).rows[0] : undefined;
  const userId = s?.sess?.userId;
  if (!userId) {
    res.redirect(303, '/');
    return null;
  }
  ctx.user = (await q(ctx, 'SELECT id, login_id, first_name, last_name, email, language, status FROM users WHERE id = $1', [userId])).rows[0];
  return ctx;
}

/**
 * Comparable HTML: the table's rows are rendered again (real template work, not filler bytes)
 * until the page is about as long as the portal's (header `x-bench-bytes`); the number of
 * passes is found once per URL.
 */
const passes = new Map<string, number>();
function table(req: Request, data: { rows: unknown[][] } & Record<string, unknown>): string {
  const key = req.originalUrl;
  const want = Number(req.get('x-bench-bytes') ?? 0);
  let n = passes.get(key);
  if (n === undefined) {
    const one = eta.render('@table', data).length + 1500;
    n = want > one && data.rows.length ? Math.ceil(want / one) : 1;
    passes.set(key, n);
  }
  const rows = n > 1 ? Array.from({ length: n }, () => data.rows).flat() : data.rows;
  return eta.render('@table', { ...data, rows });
}

function page(res: Response, ctx: Ctx, title: string, body: string): void {
  res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'" }).type('html')
    .send(eta.render('@layout', { title, user: ctx.user, csrf: crypto.randomBytes(24).toString('hex'), body }));
}

const app = express();
app.disable('x-powered-by');
// only when the benchmark asks for gzip (--gzip), as the portal compresses what it is asked to
app.use(compression());

app.get('/', async (req, res) => {
  const ctx: Ctx = { queries: 0 };
  await pad(req, ctx);
  page(res, ctx, 'Área Clientes', eta.render('@home', { csrf: crypto.randomBytes(24).toString('hex') }));
});

app.get('/suministros', async (req, res) => {
  const ctx = await loggedIn(req, res);
  if (!ctx) return;
  const page1 = Math.max(1, Number(req.query.pagina ?? 1));
  const rows = (await q(ctx, `SELECT cu.name, cu.tax_id, sp.cups, sp.energy, sp.tariff, sp.street, sp.number, sp.municipality, c.number, c.status
    FROM customer_links l JOIN customers cu ON cu.id = l.customer_id JOIN contracts c ON c.customer_id = cu.id JOIN supply_points sp ON sp.id = c.supply_point_id
    WHERE l.user_id = $1 AND l.status = 'active'
    UNION ALL
    SELECT cu.name, cu.tax_id, sp.cups, sp.energy, sp.tariff, sp.street, sp.number, sp.municipality, c.number, c.status
    FROM customer_links l JOIN external_managers em ON em.manager_customer_id = l.customer_id JOIN customers cu ON cu.id = em.customer_id
    JOIN contracts c ON c.customer_id = cu.id JOIN supply_points sp ON sp.id = c.supply_point_id
    WHERE l.user_id = $1 AND l.status = 'active' AND em.status = 'active'
    ORDER BY 1, 3 LIMIT 25 OFFSET $2`, [ctx.user!.id, (page1 - 1) * 25])).rows;
  await pad(req, ctx);
  page(res, ctx, 'Mis suministros', table(req, {
    q: String(req.query.q ?? ''), total: rows.length, head: ['Cliente', 'NIF', 'CUPS', 'Energía', 'Tarifa', 'Dirección', 'Contrato', 'Estado'],
    rows: rows.map((r) => [r.name, r.tax_id, r.cups, r.energy, r.tariff, `${r.street} ${r.number}, ${r.municipality}`, r.number, r.status]),
  }));
});

app.get('/contratos/:id/facturas', async (req, res) => {
  const ctx = await loggedIn(req, res);
  if (!ctx) return;
  const c = (await q(ctx, 'SELECT c.id, c.number, sp.cups FROM contracts c JOIN supply_points sp ON sp.id = c.supply_point_id WHERE c.id = $1', [Number(req.params.id)])).rows[0];
  const rows = (await q(ctx, `SELECT number, issue_date, period_start, period_end, total_cents, status FROM invoices WHERE contract_id = $1 AND issue_date <= current_date
    ORDER BY issue_date DESC LIMIT 12`, [c.id])).rows;
  await pad(req, ctx);
  page(res, ctx, `Facturas del contrato ${c.number}`, table(req, {
    total: rows.length, head: ['Factura', 'Fecha', 'Periodo', 'Importe', 'Estado', 'PDF'],
    rows: rows.map((r) => [r.number, r.issue_date, `${r.period_start} – ${r.period_end}`, `${(r.total_cents / 100).toFixed(2).replace('.', ',')} €`, r.status, 'Descargar']),
  }));
});

app.get('/contratos/:id/consumo', async (req, res) => {
  const ctx = await loggedIn(req, res);
  if (!ctx) return;
  const c = (await q(ctx, 'SELECT c.id, c.number, sp.cups FROM contracts c JOIN supply_points sp ON sp.id = c.supply_point_id WHERE c.id = $1', [Number(req.params.id)])).rows[0];
  const rows = (await q(ctx, 'SELECT month, p1_kwh, p2_kwh, p3_kwh FROM consumption WHERE contract_id = $1 ORDER BY month DESC LIMIT 24', [c.id])).rows;
  await pad(req, ctx);
  page(res, ctx, `Consumo del contrato ${c.number}`, table(req, {
    total: rows.length, head: ['Mes', 'P1', 'P2', 'P3', 'Total'],
    rows: rows.map((r) => [r.month, r.p1_kwh, r.p2_kwh, r.p3_kwh, Number(r.p1_kwh) + Number(r.p2_kwh) + Number(r.p3_kwh)]),
    svg: rows.map((r) => Math.min(240, (Number(r.p1_kwh) + Number(r.p2_kwh) + Number(r.p3_kwh)) / 3)),
  }));
});

app.get('/facturas/:id/pdf', async (req, res) => {
  const ctx = await loggedIn(req, res);
  if (!ctx) return;
  const inv = (await q(ctx, 'SELECT id, number FROM invoices WHERE id = $1', [Number(req.params.id)])).rows[0];
  const doc = (await q(ctx, 'SELECT original_pdf FROM invoice_documents WHERE invoice_id = $1', [inv.id])).rows[0];
  await pad(req, ctx);
  res.set({ 'Content-Disposition': `attachment; filename="factura-${inv.number}.pdf"`, 'Cache-Control': 'private, no-store' })
    .type('application/pdf').send(doc.original_pdf);
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = server.address();
  console.log(`baseline listening on ${typeof a === 'object' && a ? a.port : ''}`);
});
process.on('SIGTERM', () => process.exit(0));
