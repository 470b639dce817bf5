import { engineConformance } from '@xetrack/engine-test-suite';
import { postgresEngine } from '../src/index.js';
import { admin, BASE_URL, dropSchema, uniqueSchema } from './support/server.js';

engineConformance('postgres', {
  async create() {
    const schema = uniqueSchema('conf');
    const engine = await postgresEngine.create({ url: BASE_URL, schema });
    // The suite's raw-SQL test creates a non-tracking table with SQLite's `BLOB` type; give this
    // fresh schema a `blob` domain so that statement runs here too (the engine itself never needs it).
    await admin(`CREATE DOMAIN "${schema}".blob AS bytea`);
    return {
      engine,
      openAnother: () => postgresEngine.create({ url: BASE_URL, schema }),
      cleanup: () => dropSchema(schema),
    };
  },
  sqlPlaceholder: (index) => `$${index}`,
});
