import { duckdbEngine } from '@xetrack/engine-duckdb';
import { commandSuite } from './support/command-suite.js';

// The same command tests as on SQLite, through the injected context, on DuckDB files.
commandSuite('duckdb', { plugin: duckdbEngine, file: 'track.duckdb' });
