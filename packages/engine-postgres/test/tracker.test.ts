import { trackerConformance } from '@xetrack/engine-test-suite';
import { postgresEngine } from '../src/index.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

trackerConformance('postgres', {
  engine: postgresEngine,
  async newLocation() {
    const schema = uniqueSchema('trk');
    return { location: urlFor(schema), cleanup: () => dropSchema(schema) };
  },
  maxColumns: 1600,
  async missingLocation() {
    return urlFor(uniqueSchema('missing'));
  },
});
