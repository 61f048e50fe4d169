package io.winnow.faiss.presets;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * JavaCPP presets for FAISS 1.7.3 as Debian's {@code libfaiss-dev} ships it (a static, PIC {@code
 * libfaiss.a}). The parser reads FAISS's own headers; the classes it generates live in {@code
 * io.winnow.faiss.jni} and are committed, so a build needs no parse step. Hand-written, idiomatic
 * Java sits apart in {@code io.winnow.faiss}.
 *
 * <p>Linking: JavaCPP passes {@code link} libraries to the linker in reverse order, so FAISS comes
 * first and BLAS/LAPACK/OpenMP after it, as a static archive needs. A trailing {@code #} tells
 * JavaCPP's loader not to load the library itself: the system's dynamic linker resolves {@code
 * libblas.so.3} through Debian's alternatives (OpenBLAS with OpenMP when {@code
 * libopenblas0-openmp} is installed), and JavaCPP must not pick up reference BLAS first.
 */
@Properties(
    target = "io.winnow.faiss.jni",
    global = "io.winnow.faiss.jni.global.faiss",
    value =
        @Platform(
            value = "linux-x86_64",
            compiler = "cpp17",
            include = {
              "faiss/MetricType.h",
              "faiss/Index.h",
              "faiss/impl/IDSelector.h",
              "faiss/impl/AuxIndexStructures.h",
              "faiss/IndexFlatCodes.h",
              "faiss/IndexFlat.h",
              "faiss/IndexIDMap.h",
              "faiss/Clustering.h",
              "faiss/IndexHNSW.h",
              "faiss/IndexIVF.h",
              "faiss/IndexIVFFlat.h",
              "faiss/IndexIVFPQ.h",
              "faiss/index_factory.h",
              "faiss/index_io.h",
              "winnow_faiss.h"
            },
            link = {"gomp#", "lapack#", "blas#", "faiss#"}))
public class faiss implements InfoMapper {
  @Override
  public void map(InfoMap infoMap) {
    infoMap
        // Macros and basic types.
        .put(new Info("FAISS_API").cppTypes().annotations())
        // FAISS 1.7.3 declares idx_t inside faiss::Index (1.7.4 moved it to faiss::idx_t).
        .put(
            new Info("faiss::Index::idx_t", "idx_t", "Index::idx_t", "faiss::idx_t")
                .cast()
                .cppTypes("int64_t")
                .valueTypes("long")
                .pointerTypes("LongPointer", "LongBuffer", "long[]"))
        .put(
            new Info("faiss::component_t", "component_t")
                .cast()
                .valueTypes("int")
                .pointerTypes("IntPointer"))
        // The global class imports JavaCPP's @Index annotation: give faiss::Index another name.
        .put(new Info("faiss::Index").pointerTypes("FaissIndex"))
        .put(new Info("faiss::IndexFlatCodes", "faiss::IndexIVF").purify())
        // Clustering has a vtable and ClusteringParameters does not, so that base sits 8 bytes
        // in: inheriting its Java class would write its fields over the vtable pointer. Clustering
        // gets its parameters through its (d, k, ClusteringParameters) constructor instead.
        .put(new Info("faiss::Clustering").base("Pointer"))
        .put(
            new Info("faiss::IndexIDMapTemplate<faiss::Index>", "faiss::IndexIDMap")
                .pointerTypes("IndexIDMap")
                .define())
        .put(
            new Info("faiss::IndexIDMap2Template<faiss::Index>", "faiss::IndexIDMap2")
                .pointerTypes("IndexIDMap2")
                .define())
        .put(
            new Info(
                    "faiss::IndexIDMapTemplate<faiss::IndexBinary>",
                    "faiss::IndexBinaryIDMap",
                    "faiss::IndexIDMap2Template<faiss::IndexBinary>",
                    "faiss::IndexBinaryIDMap2",
                    "faiss::IndexBinary")
                .skip())
        .put(
            new Info(
                    "std::vector<faiss::Index::idx_t>",
                    "std::vector<idx_t>",
                    "std::vector<int64_t>")
                .pointerTypes("LongVector")
                .define())
        .put(new Info("std::vector<float>").pointerTypes("FloatVector").define())
        // C++-only internals: hash containers, locks, heaps, scanners, distance computers.
        .put(
            new Info(
                    "std::unordered_set<idx_t>",
                    "std::unordered_map<idx_t,idx_t>",
                    "faiss::IDSelectorBatch::set",
                    "faiss::IDSelectorBatch::bloom",
                    "faiss::IndexIDMap2Template<faiss::Index>::rev_map",
                    "faiss::IndexFlatCodes::codes",
                    "faiss::DistanceComputer",
                    "faiss::FlatCodesDistanceComputer",
                    "faiss::Index::get_distance_computer",
                    "faiss::IndexFlatCodes::get_FlatCodesDistanceComputer",
                    "faiss::IndexFlatCodes::get_distance_computer",
                    "faiss::IndexFlat::get_FlatCodesDistanceComputer",
                    "faiss::BufferList",
                    "faiss::RangeQueryResult",
                    "faiss::RangeSearchPartialResult",
                    "faiss::InterruptCallback",
                    "faiss::VisitedTable",
                    "faiss::TimeoutCallback",
                    "faiss::Clustering::iteration_stats",
                    "faiss::ClusteringIterationStats",
                    "faiss::ProgressiveDimClusteringParameters",
                    "faiss::ProgressiveDimIndexFactory",
                    "faiss::ProgressiveDimClustering",
                    "faiss::Clustering1D",
                    "faiss::IndexFlat1D")
                .skip())
        // HNSW: the graph struct is not mapped; winnow_faiss.h reaches its parameters.
        .put(
            new Info(
                    "faiss::IndexHNSW::hnsw",
                    "faiss::HNSW",
                    "faiss::ReconstructFromNeighbors",
                    "faiss::IndexHNSW::reconstruct_from_neighbors",
                    "faiss::IndexHNSW::search_level_0",
                    "faiss::IndexHNSW::init_level_0_from_knngraph",
                    "faiss::IndexHNSW::init_level_0_from_entry_points",
                    "faiss::IndexHNSW::reorder_links",
                    "faiss::IndexHNSW::link_singletons",
                    "faiss::IndexHNSW::get_distance_computer",
                    "faiss::IndexHNSW2Level",
                    "faiss::IndexHNSWPQ",
                    "faiss::IndexHNSWSQ",
                    "faiss::IndexHNSW::storage_distance_computer")
                .skip())
        // IVF: inverted lists and scanners stay inside C++.
        .put(
            new Info(
                    "faiss::IndexIVF::invlists",
                    "faiss::IndexIVF::direct_map",
                    "faiss::IndexIVF::get_InvertedListScanner",
                    "faiss::IndexIVF::search_preassigned",
                    "faiss::IndexIVF::range_search_preassigned",
                    "faiss::IndexIVF::replace_invlists",
                    "faiss::IndexIVF::PARALLEL_MODE_NO_HEAP_INIT",
                    "faiss::InvertedListScanner",
                    "faiss::IndexIVFStats",
                    "faiss::indexIVF_stats",
                    "faiss::IndexIVF::encode_vectors",
                    "faiss::IndexIVF::decode_vectors",
                    "faiss::IndexIVF::add_sa_codes",
                    "faiss::IndexIVF::update_vectors",
                    "faiss::IndexIVF::copy_subset_to",
                    "faiss::IndexIVF::check_ids_sorted",
                    "faiss::Level1Quantizer::quantizer_params",
                    "faiss::IndexIVFFlatDedup",
                    "faiss::IndexIVFPQ::pq",
                    "faiss::IndexIVFPQ::precomputed_table",
                    "faiss::IndexIVFPQ::encode",
                    "faiss::IndexIVFPQ::encode_multiple",
                    "faiss::IndexIVFPQ::decode_multiple",
                    "faiss::IndexIVFPQ::find_duplicates",
                    "faiss::IndexIVFPQ::precompute_table",
                    "faiss::IndexIVFPQStats",
                    "faiss::indexIVFPQ_stats",
                    "faiss::initialize_IVFPQ_precomputed_table",
                    "faiss::IndexIVFPQ::get_InvertedListScanner",
                    "faiss::IndexIVFFlat::get_InvertedListScanner",
                    "faiss::IndexIVFPQ::search_and_return_codes",
                    "faiss::IndexIVF::set_direct_map_type",
                    "faiss::IndexIVFPQ::polysemous_training",
                    "faiss::PolysemousTraining")
                .skip())
        // I/O: file names only; readers, writers, FILE* and the binary/transform variants stay out.
        .put(
            new Info(
                    "faiss::IOReader",
                    "faiss::IOWriter",
                    "faiss::VectorTransform",
                    "faiss::ProductQuantizer",
                    "faiss::InvertedLists",
                    "faiss::IndexBinary",
                    "faiss::write_index(const faiss::Index*, FILE*)",
                    "faiss::write_index(const faiss::Index*, faiss::IOWriter*)",
                    "faiss::read_index(FILE*, int)",
                    "faiss::read_index(faiss::IOReader*, int)",
                    "faiss::write_index_binary",
                    "faiss::read_index_binary",
                    "faiss::write_VectorTransform",
                    "faiss::read_VectorTransform",
                    "faiss::read_ProductQuantizer",
                    "faiss::write_ProductQuantizer",
                    "faiss::write_InvertedLists",
                    "faiss::read_InvertedLists",
                    "faiss::index_binary_factory")
                .skip());
  }
}
