import sqliteEngine from '@xetrack/engine-sqlite';
import { commandSuite } from './support/command-suite.js';

commandSuite('sqlite', { plugin: sqliteEngine, file: 'track.db' });
