/** Side-effect entry: registers the fused CCE kernels (WGSL) for tfjs's `webgpu` backend. */
export {};
