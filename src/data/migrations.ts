import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
/** Running from dist/ (npm run build): the migrations beside it are compiled to .js. */
const compiled = import.meta.url.endsWith('.js');

interface MigrationModule { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> }

/**
 * Loads migrations by ESM import so the same TypeScript files run under tsx in the app,
 * the CLI and the tests, without Knex's own loader guessing the module system. Compiled
 * (dist/migrations/*.js) they keep the names they were recorded under (`….ts`), so a
 * database migrated by either is up to date for the other.
 */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    const files = await fs.readdir(MIGRATIONS_DIR);
    return [...new Set(files.filter((f) => /^\d{14}_[\w-]+\.(ts|js)$/.test(f)).map((f) => f.replace(/\.js$/, '.ts')))].sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    const file = compiled ? name.replace(/\.ts$/, '.js') : name;
    const mod = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href)) as MigrationModule;
    return { up: mod.up, down: mod.down };
  }
}

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new DirectoryMigrationSource(),
  tableName: 'knex_migrations',
};

export async function migrateLatest(knex: Knex): Promise<number> {
  const [, applied] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
  return applied.length;
}
