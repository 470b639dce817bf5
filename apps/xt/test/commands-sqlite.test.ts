import sqliteEngine from '@xetrack/engine-sqlite';
import { commandSuite } from './support/command-suite.js';

// The DuckDB engine runs the same suite once @xetrack/engine-duckdb is built: commandSuite('duckdb', { plugin, file: 'track.duckdb' }).
commandSuite('sqlite', { plugin: sqliteEngine, file: 'track.db' });
