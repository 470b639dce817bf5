// Run as a child process: logs rows into a database another process is showing.
// node log-rows.mjs <db> <json params> <json rows>
import { Tracker } from '@xetrack/core';

const [db, params, rows] = process.argv.slice(2);
const tracker = await Tracker.open(db, { params: JSON.parse(params) });
for (const row of JSON.parse(rows)) await tracker.log(row);
await tracker.close();
process.stdout.write(tracker.trackId);
