import { readFileSync } from 'node:fs';
import { replaceEndpointSection, type OpenApiDocument } from '../../../app/api/openapi-markdown.ts';
import { replaceGeneratedSection } from '../../../scripts/config-docs-section.ts';
import { startDaemon } from '../../bench/daemon.ts';

describe('docs/ stay true to the code', () => {
  it('docs/configuration.md lists every variable the code reads (run scripts/gen-config-docs.ts)', async () => {
    const current = readFileSync('docs/configuration.md', 'utf8');
    expect(await replaceGeneratedSection(current)).toBe(current);
  });

  it('docs/api.md lists every endpoint the daemon serves (run scripts/gen-api-docs.ts)', async () => {
    const daemon = await startDaemon({ DD_WATCHER_LOCAL_WATCHATSTART: 'false', DD_LOG_LEVEL: 'error' });
    try {
      const document = (await (await fetch(`${daemon.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
      const current = readFileSync('docs/api.md', 'utf8');
      expect(replaceEndpointSection(current, document)).toBe(current);
    } finally {
      await daemon.stop();
    }
  });
});
