// Regenerates the endpoint tables of docs/api.md from the OpenAPI document of a freshly started daemon.
// Run: node_modules/.bin/node scripts/gen-api-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceEndpointSection, type OpenApiDocument } from '../app/api/openapi-markdown.ts';
import { startDaemon } from '../test/bench/daemon.ts';

const daemon = await startDaemon({ DD_WATCHER_LOCAL_WATCHATSTART: 'false', DD_LOG_LEVEL: 'error' });
try {
  const document = (await (await fetch(`${daemon.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
  const path = new URL('../docs/api.md', import.meta.url);
  writeFileSync(path, replaceEndpointSection(readFileSync(path, 'utf8'), document));
  process.stdout.write('docs/api.md updated\n');
} finally {
  await daemon.stop();
}
