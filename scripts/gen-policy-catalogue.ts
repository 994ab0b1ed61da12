// Writes docs/policy-catalogue.md from the catalogue (run: npx tsx scripts/gen-policy-catalogue.ts).
import { writeFileSync } from 'node:fs';
import { renderCatalogueMarkdown } from '../src/policy/index.js';

writeFileSync('docs/policy-catalogue.md', renderCatalogueMarkdown());
console.log('docs/policy-catalogue.md written');
