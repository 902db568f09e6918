/**
 * The page routers tried by first path segment (src/web/route-dispatch.ts): the same answers
 * as mounting them one after another, in the same order, with fewer routers walked.
 */
import { expect } from 'chai';
import express, { type Router } from 'express';
import request from 'supertest';
import { dispatchByFirstSegment, firstSegmentOf, firstSegments } from '../../src/web/route-dispatch';

function router(build: (r: Router) => void): Router {
  const r = express.Router();
  build(r);
  return r;
}

describe('page routers dispatched by first path segment', () => {
  it('reads the first segment of a path, lower-cased', () => {
    const cases: [string, string][] = [
      ['/', ''], ['/contratos', 'contratos'], ['/contratos/', 'contratos'], ['/Contratos/7/facturas', 'contratos'],
      ['/%63ontratos', '%63ontratos'], ['//x', ''],
    ];
    for (const [path, segment] of cases) expect(firstSegmentOf(path), path).to.equal(segment);
  });

  it('knows the segments of literal routes and mounts, and gives up on anything that may match any path', () => {
    const noop = (_req: unknown, _res: unknown, next: () => void) => next();
    const cases: [string, Router, string[] | null][] = [
      ['routes', router((r) => {
        r.get('/', noop);
        r.get('/Ayuda/:tema', noop);
        r.post('/acceso', noop);
      }), ['', 'ayuda', 'acceso']],
      ['a mount', router((r) => { r.use('/admin', noop); }), ['admin']],
      ['an array', router((r) => { r.get(['/a', '/b/:x'], noop); }), ['a', 'b']],
      ['a router inside', router((r) => {
        r.use(router((i) => { i.get('/x/:y', noop); }));
        r.get('/z', noop);
      }), ['x', 'z']],
      ['middleware inside a router inside', router((r) => { r.use(router((i) => { i.use(noop); })); }), null],
      ['middleware for every path', router((r) => { r.use(noop); r.get('/a', noop); }), null],
      ['a parameter first', router((r) => { r.get('/:id', noop); }), null],
      ['a wildcard', router((r) => { r.get('/*rest', noop); }), null],
      ['an optional part', router((r) => { r.get('/a{/:b}', noop); r.get('{/x}', noop); }), null],
      ['a regular expression', router((r) => { r.get(/^\/a/, noop); }), null],
    ];
    for (const [name, r, expected] of cases) {
      const found = firstSegments(r);
      expect(found && [...found].sort(), name).to.deep.equal(expected && [...expected].sort());
    }
  });

  it('answers as the routers mounted in order would: the first that answers, errors to the error handler', async () => {
    const calls: string[] = [];
    const seen = (name: string) => (_req: unknown, _res: unknown, next: () => void) => {
      calls.push(name);
      next();
    };
    const routers = [
      router((r) => { r.get('/a', seen('first /a')); }),
      router((r) => { r.use(seen('everywhere')); }),
      router((r) => {
        r.get('/a', (_req, res) => { res.send('second /a'); });
        r.get('/B', (_req, res) => { res.send('b'); });
      }),
      router((r) => { r.get('/a', (_req, res) => { res.send('never'); }); }),
      router((r) => { r.get('/boom', () => { throw new Error('boom'); }); }),
      router((r) => {
        r.get('/out', (_req, _res, next) => next('router'));
        r.get('/out', (_req, res) => { res.send('skipped'); });
      }),
      router((r) => { r.get('/out', (_req, res) => { res.send('after router exit'); }); }),
    ];
    const app = express();
    const dispatch = dispatchByFirstSegment(routers);
    // shown as the routers mounted without a path, to whatever lists the app's routes
    const shown = (dispatch as unknown as { stack: { handle: unknown; slash: boolean }[] }).stack;
    expect(shown.map((l) => [l.handle, l.slash])).to.deep.equal(routers.map((r) => [r, true]));
    app.use(dispatch);
    app.use((_req, res) => { res.status(404).send('not found'); });
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send(`error: ${err.message}`);
    });
    const cases: [string, number, string, string[]][] = [
      ['/a', 200, 'second /a', ['first /a', 'everywhere']],
      ['/A/', 200, 'second /a', ['first /a', 'everywhere']],
      ['/b', 200, 'b', ['everywhere']],
      ['/nothing', 404, 'not found', ['everywhere']],
      ['/boom', 500, 'error: boom', ['everywhere']],
      ['/out', 200, 'after router exit', ['everywhere']],
    ];
    for (const [path, status, text, expectedCalls] of cases) {
      calls.length = 0;
      const res = await request(app).get(path);
      expect([res.status, res.text, calls], path).to.deep.equal([status, text, expectedCalls]);
    }
  });
});
