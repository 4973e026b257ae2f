// Regenerates the variable tables of docs/configuration.md from the settings the code reads.
// Run: node_modules/.bin/node scripts/gen-config-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceGeneratedSection } from './config-docs-section.ts';

const path = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(path, await replaceGeneratedSection(readFileSync(path, 'utf8')));
process.stdout.write('docs/configuration.md updated\n');
