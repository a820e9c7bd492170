import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Scripts copied into every consumer project. */
export const NODE_FIXTURES = fileURLToPath(new URL('../fixtures/node/', import.meta.url));
export const TYPES_FIXTURES = fileURLToPath(new URL('../fixtures/types/', import.meta.url));
export const BROWSER_FIXTURES = fileURLToPath(new URL('../fixtures/browser/', import.meta.url));
