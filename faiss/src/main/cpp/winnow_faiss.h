// Small C++ helpers for Winnow's FAISS preset: what Java cannot do through the parsed headers
// alone (dynamic casts across IndexIVF's two bases, deleting indexes that factories return,
// HNSW parameters that live in a struct the preset does not map, OpenMP thread control).
#pragma once

#include <omp.h>
#include <stdexcept>
#include <string>

#include <faiss/Clustering.h>
#include <faiss/Index.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>

namespace winnow {

inline faiss::IndexIVF* as_ivf(faiss::Index* index) {
    return dynamic_cast<faiss::IndexIVF*>(index);
}

inline faiss::IndexHNSW* as_hnsw(faiss::Index* index) {
    return dynamic_cast<faiss::IndexHNSW*>(index);
}

inline faiss::IndexIDMap* as_id_map(faiss::Index* index) {
    return dynamic_cast<faiss::IndexIDMap*>(index);
}

/**
 * IndexIVF derives from both Index and Level1Quantizer; Java sees only the first base, so the
 * coarse quantizer's fields (nlist, quantizer, own_fields) are reached through this cast.
 */
inline faiss::Level1Quantizer* as_level1_quantizer(faiss::IndexIVF* ivf) {
    return static_cast<faiss::Level1Quantizer*>(ivf);
}

/** Deletes an index made by index_factory, read_index or a constructor. */
inline void delete_index(faiss::Index* index) {
    delete index;
}

/** Sets nprobe on an IVF index, also one wrapped in an IDMap. */
inline void set_nprobe(faiss::Index* index, size_t nprobe) {
    faiss::IndexIDMap* id_map = as_id_map(index);
    faiss::IndexIVF* ivf = as_ivf(id_map != nullptr ? id_map->index : index);
    if (ivf == nullptr) {
        throw std::invalid_argument("nprobe applies to IVF indexes only");
    }
    ivf->nprobe = nprobe;
}

inline size_t get_nprobe(faiss::Index* index) {
    faiss::IndexIDMap* id_map = as_id_map(index);
    faiss::IndexIVF* ivf = as_ivf(id_map != nullptr ? id_map->index : index);
    if (ivf == nullptr) {
        throw std::invalid_argument("nprobe applies to IVF indexes only");
    }
    return ivf->nprobe;
}

inline faiss::IndexHNSW* require_hnsw(faiss::Index* index) {
    faiss::IndexIDMap* id_map = as_id_map(index);
    faiss::IndexHNSW* hnsw = as_hnsw(id_map != nullptr ? id_map->index : index);
    if (hnsw == nullptr) {
        // IVF indexes with an HNSW coarse quantizer (IVF…_HNSW) take efSearch on the quantizer.
        faiss::IndexIVF* ivf = as_ivf(id_map != nullptr ? id_map->index : index);
        if (ivf != nullptr) {
            hnsw = as_hnsw(ivf->quantizer);
        }
    }
    if (hnsw == nullptr) {
        throw std::invalid_argument("efSearch/efConstruction apply to HNSW indexes only");
    }
    return hnsw;
}

inline void set_hnsw_ef_search(faiss::Index* index, int ef) {
    require_hnsw(index)->hnsw.efSearch = ef;
}

inline int get_hnsw_ef_search(faiss::Index* index) {
    return require_hnsw(index)->hnsw.efSearch;
}

inline void set_hnsw_ef_construction(faiss::Index* index, int ef) {
    require_hnsw(index)->hnsw.efConstruction = ef;
}

inline int get_hnsw_ef_construction(faiss::Index* index) {
    return require_hnsw(index)->hnsw.efConstruction;
}

/** The centroids' storage, for one bulk copy instead of an element-wise walk. */
inline const float* centroids_data(const faiss::Clustering* clustering) {
    return clustering->centroids.data();
}

inline int omp_threads() {
    return omp_get_max_threads();
}

inline void set_omp_threads(int threads) {
    omp_set_num_threads(threads);
}

}  // namespace winnow
