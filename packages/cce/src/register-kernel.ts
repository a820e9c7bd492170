import { getKernel, type KernelConfig, registerKernel } from '@tensorflow/tfjs-core';

/**
 * Registers `config` with tfjs unless a kernel of that name is already registered for its backend
 * (a second import of an entry, or the other module format of this package): registration is
 * idempotent and tfjs prints no "already registered" warning.
 */
export function registerKernelOnce(config: KernelConfig): void {
  if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
}
