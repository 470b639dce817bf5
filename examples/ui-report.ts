// examples/ui-report.ts
import { Reader, Tracker } from '@xetrack/core';
import { startDashboard, writeReport, type RunsPage } from '@xetrack/ui';

for (const lr of [0.1, 0.01]) {
  const tracker = await Tracker.open('sweep.db', { params: { model: 'mlp', lr } });
  for (let epoch = 1; epoch <= 3; epoch++) await tracker.log({ epoch, loss: lr / epoch });
  await tracker.close();
}

const reader = await Reader.open('sweep.db');
const bytes = await writeReport(reader, 'report.html', { search: 'lr < 0.05', maxPoints: 500 });
console.log(`report.html: ${Math.round(bytes / 1024)} KB, one file that opens from file://`);

const dashboard = await startDashboard(reader, { port: 0 }); // 127.0.0.1 on a free port, read-only
const page = (await (await fetch(`${dashboard.url}api/runs?q=${encodeURIComponent('lr >= 0.05')}`)).json()) as RunsPage;
console.log('runs with lr >= 0.05:', page.runs.map((r) => r.params.lr));
await dashboard.close();
await reader.close();
