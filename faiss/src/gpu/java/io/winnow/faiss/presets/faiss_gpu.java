package io.winnow.faiss.presets;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * GPU additions to the FAISS presets, for a FAISS built with CUDA (not Debian's package, which is
 * CPU-only): GPU resources, GPU flat and IVF indexes, and the CPU↔GPU cloners. Built only by the
 * {@code gpu} Maven profile, which needs such a FAISS and the CUDA toolkit; it inherits every
 * CPU mapping and adds a {@code -gpu} platform extension, as bytedeco's presets do.
 *
 * <p>Status: parsed here from FAISS 1.7.3's headers, its JNI compiled against a CUDA build of
 * FAISS and run from Java on one GPU machine (bench/gpu/device-check.sh, 2026-12-04); the
 * {@code gpu} profile itself has never run (no build machine here has CUDA). See the README.
 */
@Properties(
    inherit = faiss.class,
    target = "io.winnow.faiss.jni.gpu",
    global = "io.winnow.faiss.jni.gpu.global.faiss_gpu",
    value = @Platform(
        value = "linux-x86_64",
        extension = "-gpu",
        include = {
            "faiss/gpu/GpuIndicesOptions.h",
            "faiss/gpu/GpuResources.h",
            "faiss/gpu/StandardGpuResources.h",
            "faiss/gpu/GpuIndex.h",
            "faiss/gpu/GpuIndexFlat.h",
            "faiss/gpu/GpuIndexIVF.h",
            "faiss/gpu/GpuIndexIVFFlat.h",
            "faiss/gpu/GpuIndexIVFPQ.h",
            "faiss/gpu/GpuClonerOptions.h",
            "faiss/gpu/GpuCloner.h"},
        link = {"cublas#", "cudart#"}))
public class faiss_gpu implements InfoMapper {
  @Override
  public void map(InfoMap infoMap) {
    infoMap
        .put(new Info("faiss::gpu::GpuResources", "faiss::gpu::GpuIndex").purify())
        .put(new Info("faiss::gpu::GpuResourcesProvider").purify())
        // CUDA streams, memory reservations and cuBLAS handles stay inside C++.
        .put(new Info("cudaStream_t", "cublasHandle_t").cast().valueTypes("Pointer"))
        .put(new Info("faiss::gpu::GpuMemoryReservation", "faiss::gpu::AllocRequest",
            "faiss::gpu::AllocInfo", "faiss::gpu::MemoryType", "faiss::gpu::AllocType",
            "faiss::gpu::StandardGpuResourcesImpl", "faiss::gpu::GpuResources::allocMemory",
            "faiss::gpu::GpuResources::deallocMemory", "faiss::gpu::GpuResources::getMemoryInfo",
            "faiss::gpu::StandardGpuResources::getMemoryInfo",
            "faiss::gpu::GpuResources::getBlasHandle",
            "faiss::gpu::GpuResources::getAlternateStreams",
            "faiss::gpu::GpuResources::getAsyncCopyStream",
            "faiss::gpu::GpuResources::getDefaultStream",
            "faiss::gpu::GpuResources::setDefaultStream",
            "faiss::gpu::GpuResources::getDefaultStreamCurrentDevice",
            "faiss::gpu::GpuResources::getPinnedMemory",
            "faiss::gpu::ToCPUCloner", "faiss::gpu::ToGpuCloner",
            "faiss::gpu::ToGpuClonerMultiple", "faiss::gpu::index_cpu_to_gpu_multiple",
            "faiss::gpu::GpuMultipleClonerOptions", "faiss::gpu::GpuProgressiveDimIndexFactory",
            "faiss::gpu::index_binary_gpu_to_cpu", "faiss::gpu::index_binary_cpu_to_gpu",
            "faiss::gpu::index_binary_cpu_to_gpu_multiple").skip());
  }
}
