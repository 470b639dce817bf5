import { trackerConformance } from '@xetrack/engine-test-suite';
import { postgresEngine } from '../src/index.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

trackerConformance('postgres', {
  engine: postgresEngine,
  async newLocation() {
    const schema = uniqueSchema('trk');
    return { location: urlFor(schema), cleanup: () => dropSchema(schema) };
  },
  async missingLocation() {
    return urlFor(uniqueSchema('missing'));
  },
});
