/**
 * `npm run build`: compiles the portal to dist/ with tsc (src/, migrations/, bench/), so
 * `npm start` runs plain JavaScript without tsx transforming every module at start-up.
 * The sources import without file extensions (TypeScript's "Bundler" resolution, which tsx
 * follows); Node's ESM loader needs them, so each relative specifier of the output gets its
 * `.js` (or `/index.js`). Views and translations are copied beside the code that reads them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
const started = Date.now();

function* files(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

// `--if-stale` (npm start's prestart): nothing to do when no source is newer than the last build
if (process.argv.includes('--if-stale') && fs.existsSync(stamp)) {
  const built = fs.statSync(stamp).mtimeMs;
  const inputs = ['src', 'migrations', 'bench'].flatMap((d) => [...files(path.join(root, d))]);
  const config = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
  inputs.push(...config.map((f) => path.join(root, f)));
  if (inputs.every((f) => fs.statSync(f).mtimeMs <= built)) process.exit(0);
}

fs.rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

// from './x', import('./x'), export … from '../y'
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;
let rewritten = 0;
for (const file of files(dist)) {
  if (!file.endsWith('.js')) continue;
  const code = fs.readFileSync(file, 'utf8');
  const out = code.replace(SPECIFIER, (whole, lead, quote, spec) => {
    const target = path.resolve(path.dirname(file), spec);
    let fixed;
    if (/\.(m?js|json|cjs)$/.test(spec)) return whole;
    if (fs.existsSync(`${target}.js`)) fixed = `${spec}.js`;
    else if (fs.existsSync(path.join(target, 'index.js'))) fixed = `${spec}/index.js`;
    else throw new Error(`${path.relative(root, file)}: cannot resolve ${spec}`);
    rewritten++;
    return `${lead}${quote}${fixed}${quote}`;
  });
  if (out !== code) fs.writeFileSync(file, out);
}

// what the compiled code reads from beside itself
fs.cpSync(path.join(root, 'src/views'), path.join(dist, 'src/views'), { recursive: true });
for (const e of fs.readdirSync(path.join(root, 'src/i18n'), { withFileTypes: true })) {
  if (!e.isDirectory()) continue;
  fs.cpSync(path.join(root, 'src/i18n', e.name), path.join(dist, 'src/i18n', e.name), { recursive: true });
}
fs.cpSync(path.join(root, 'bench/http/query-counter.mjs'), path.join(dist, 'bench/http/query-counter.mjs'));
fs.writeFileSync(stamp, `${rewritten} import specifiers completed\n`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`dist/ built in ${seconds} s (${rewritten} import specifiers completed)`);
