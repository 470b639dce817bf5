/** Starts the page: the report's inlined data, or the dashboard's server (with its token, if any). */
import type { Meta, ReportData } from '../common/types.js';
import { App } from './app.js';
import { LiveClient, ReportClient, type DataClient } from './client.js';

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  const inline = document.getElementById('xt-data');
  let client: DataClient;
  if (inline?.textContent) {
    client = new ReportClient(JSON.parse(inline.textContent) as ReportData);
  } else {
    const token = new URLSearchParams(location.search).get('token');
    const response = await fetch(`/api/meta${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    if (!response.ok) throw new Error(await response.text());
    client = new LiveClient((await response.json()) as Meta, token);
  }
  await new App(client, root).start();
}

boot().catch((error: unknown) => {
  const root = document.getElementById('app')!;
  root.textContent = `Could not load the data: ${(error as Error).message}`;
  root.setAttribute('role', 'alert');
});
