// For the Knex CLI against a real PostgreSQL (`DATABASE_URL`). The app itself migrates on
// start and through `npm run migrate`, which also covers the embedded database.
import { migrationConfig } from './src/data/migrations';

export default {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: migrationConfig,
};
