// A GPU load for native/device-check.sh: keeps every SM busy with fused multiply-adds for the
// given number of seconds, so the NVML power sampler can be seen reading a loaded GPU.
//   nvcc -O2 -o busy_loop busy_loop.cu && ./busy_loop 10
#include <cuda_runtime.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

__global__ void spin(float* out, int rounds) {
    float a = threadIdx.x * 1e-3f, b = 1.0001f, c = 0.9999f;
    for (int i = 0; i < rounds; ++i) {
        a = fmaf(a, b, c);
        b = fmaf(b, c, a * 1e-7f);
    }
    // Written so the compiler cannot drop the loop.
    if (a == 12345.0f) out[blockIdx.x] = a + b;
}

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
    int sms = 0;
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0) != cudaSuccess) {
        std::fprintf(stderr, "busy_loop: no CUDA device\n");
        return 1;
    }
    float* out = nullptr;
    cudaMalloc(&out, 1 << 20);
    const auto start = std::chrono::steady_clock::now();
    long launches = 0;
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
        spin<<<sms * 8, 256>>>(out, 200000);
        if (cudaDeviceSynchronize() != cudaSuccess) {
            std::fprintf(stderr, "busy_loop: %s\n", cudaGetErrorString(cudaGetLastError()));
            return 1;
        }
        ++launches;
    }
    cudaFree(out);
    std::printf("busy_loop: %ld launches on %d SMs in %.1f s\n", launches, sms, seconds);
    return 0;
}
