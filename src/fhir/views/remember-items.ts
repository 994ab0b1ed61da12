// A thread that renders the same resources again and again (the server's writes: a capacity update keeps
// a Location's other indicators as the same objects) remembers, per item object of their top-level lists,
// what rendering derives from it alone: its references (context.ts), the redactor's walk and projections
// (policy/redactor/render.ts), its text (render.ts). Off elsewhere: an import meets each item once.
import { rememberRedactions } from '../../policy/index.js';
import { rememberReferences } from './context.js';
import { rememberItemTexts } from './render.js';

export function rememberUnchangedItems(): void {
  rememberReferences();
  rememberRedactions();
  rememberItemTexts();
}
