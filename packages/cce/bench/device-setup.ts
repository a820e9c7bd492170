/** Installs `navigator.gpu` from the Dawn binary (`DAWN_NODE`) before tfjs-backend-webgpu is imported. */
import { createRequire } from 'node:module';

type Dawn = { create: (flags: string[]) => unknown; globals: object };
const dawn = createRequire(`${process.cwd()}/`)(process.env.DAWN_NODE ?? './dawn.node') as Dawn;
Object.assign(globalThis, dawn.globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true });
