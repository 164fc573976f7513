// The Tensor target: Float32 tensors, oneDNN GEMM, kernels, RNG, safetensors.
