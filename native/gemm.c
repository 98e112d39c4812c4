/*
 * GEMM for the native backend: OpenBLAS `cblas_sgemm`, row-major, transpose flags, alpha, beta
 * (never copied transposes); its process-wide thread count; and, at 2+ threads, a small-batch
 * product cut into column blocks that run on a small pool (see "Small-batch GEMM across threads").
 */
#include <cblas.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "glorot.h"

/* ------------------------------------------------------------------------------------------------ */
/* OpenBLAS threads                                                                                  */

static int g_threads = 0; /* last value given to openblas_set_num_threads; 0 = never set */

void glorot_ensure_threads(int threads) {
  if (__atomic_load_n(&g_threads, __ATOMIC_RELAXED) != threads) {
    openblas_set_num_threads(threads);
    __atomic_store_n(&g_threads, threads, __ATOMIC_RELAXED);
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Small-batch GEMM across threads by column blocks                                                  */
/*
 * For a minibatch of ~10 rows, OpenBLAS 0.3.21 with 2 threads is SLOWER than with 1 on the forward
 * z·W and backward gs·Wᵀ products (measured 330 → 390–860 µs for 10×1000×1000 on Zen 4): it splits the
 * few rows, so each thread packs all of W. Such a product is instead cut into fixed blocks of output
 * columns, C[:, j0:j1] = op(A)·op(B)[:, j0:j1], each an independent single-threaded cblas_sgemm on a
 * sub-matrix (leading dimensions unchanged, nothing copied). The fused SGD update zᵀ·∂C/∂s, whose
 * inner dimension k is the minibatch, is split the same way: left to OpenBLAS' 2 threads, its
 * worker thread stays spinning after the call and fights the pool thread of the next split product
 * for the 2 cores — step times then alternated between ≈ 3.2 and 5–6 ms from one second to the next
 * (paper net, minibatch 10; BENCHMARKS.md); with every GEMM of the step split here OpenBLAS
 * stays single-threaded and the step is a steady ≈ 2.45 ms. The calling thread and up to
 * `threads − 1` pool threads claim blocks from a shared counter, so a pool thread that the OS has
 * descheduled (a busy shared machine) never stalls the call: the caller takes its blocks. Block
 * boundaries depend only on n, and each block is computed the same way whoever runs it, so results
 * are bit-identical from call to call (and for any thread count ≥ 2). Pool threads spin ~0.2 ms for
 * the next call, then sleep.
 */
#define SPLIT_MAX_ROWS 24      /* op(A) rows, or inner dimension k, up to which columns are split (OpenBLAS scales above) */
#define SPLIT_MIN_COLS 128     /* columns per block, at least */
#define SPLIT_BLOCKS 8         /* target number of blocks */
#define SPLIT_MIN_MNK 2000000.0 /* m·n·k (4 MFLOP): below it the hand-off and the per-block calls cost more than they save */
#define POOL_MAX 63
#define SPIN_NS 200000L /* a pool thread spins this long for the next call before sleeping */

static void run_gemm(const gemm_job *j) {
  cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, j->m, j->n, j->k,
              j->alpha, j->a, j->lda, j->b, j->ldb, j->beta, j->c, j->ldc);
}

/* The current split call. `pool_claim` = generation (32 bits) | block count (16) | next block (16):
 * published with release after `pool_job`/`pool_block` are written; a block is claimed by a CAS on
 * the same word, so a claim is always checked against its own call's block count, and a call cannot
 * finish (and its job be overwritten) while one of its claimed blocks is still running. */
static gemm_job pool_job;
static int pool_block;     /* columns per block (the last block takes the rest) */
static uint64_t pool_claim; /* atomic */
static int pool_done;      /* blocks of the current call finished (atomic) */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_finished = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER; /* one split call at a time */
static int pool_size = 0;                                       /* pool threads started */

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* Claims and runs blocks of the call whose generation is `gen` until none is left. */
static void run_blocks(uint32_t gen) {
  for (;;) {
    uint64_t w = __atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE);
    for (;;) {
      if ((uint32_t)(w >> 32) != gen) return; /* a later call: not ours */
      uint32_t count = (uint32_t)(w >> 16) & 0xffff, next = (uint32_t)w & 0xffff;
      if (next >= count) return;
      if (__atomic_compare_exchange_n(&pool_claim, &w, w + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    }
    uint32_t count = (uint32_t)(w >> 16) & 0xffff, idx = (uint32_t)w & 0xffff;
    gemm_job part = pool_job;
    int start = (int)idx * pool_block;
    int end = idx + 1 == count ? pool_job.n : start + pool_block;
    part.n = end - start;
    part.c = pool_job.c + start;
    part.b = pool_job.tb ? pool_job.b + (size_t)start * (size_t)pool_job.ldb : pool_job.b + start;
    run_gemm(&part);
    if (__atomic_add_fetch(&pool_done, 1, __ATOMIC_ACQ_REL) == (int)count) {
      pthread_mutex_lock(&pool_mu);
      pthread_cond_signal(&pool_finished);
      pthread_mutex_unlock(&pool_mu);
    }
  }
}

static void *pool_main(void *arg) {
  uint32_t seen = (uint32_t)(uintptr_t)arg; /* the generation before this thread's first call */
  for (;;) {
    long until = now_ns() + SPIN_NS;
    uint32_t gen;
    int spins = 0;
    while ((gen = (uint32_t)(__atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE) >> 32)) == seen) {
      cpu_relax();
      if (++spins % 256 == 0 && now_ns() > until) {
        pthread_mutex_lock(&pool_mu);
        while ((gen = (uint32_t)(__atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE) >> 32)) == seen) {
          pthread_cond_wait(&pool_wake, &pool_mu);
        }
        pthread_mutex_unlock(&pool_mu);
        break;
      }
    }
    seen = gen;
    run_blocks(gen);
  }
  return NULL;
}

/* Runs `job` as column blocks on the calling thread and up to `threads − 1` pool threads. Returns
 * false (nothing done) when another JS thread is using the pool or a pool thread cannot be started:
 * the caller then uses plain OpenBLAS. */
static bool split_gemm(const gemm_job *job, int threads) {
  static int cpus = 0; /* more pool threads than CPUs would only fight over cores */
  if (cpus == 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = c > 0 ? (int)c : 1;
  }
  if (threads > cpus) threads = cpus;
  if (threads - 1 > POOL_MAX) threads = POOL_MAX + 1;
  if (threads < 2) return false;
  if (pthread_mutex_trylock(&pool_owner) != 0) return false;
  uint64_t old = __atomic_load_n(&pool_claim, __ATOMIC_RELAXED);
  uint32_t gen = (uint32_t)(old >> 32) + 1;
  while (pool_size < threads - 1) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, pool_main, (void *)(uintptr_t)(gen - 1));
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      pthread_mutex_unlock(&pool_owner);
      return false;
    }
    pool_size++;
  }
  /* blocks: ~SPLIT_BLOCKS of them, each a multiple of 16 columns and at least SPLIT_MIN_COLS */
  int block = (job->n + SPLIT_BLOCKS - 1) / SPLIT_BLOCKS;
  block = (block + 15) & ~15;
  if (block < SPLIT_MIN_COLS) block = SPLIT_MIN_COLS;
  int count = (job->n + block - 1) / block;
  if (count < 2) {
    pthread_mutex_unlock(&pool_owner);
    return false;
  }
  glorot_ensure_threads(1); /* each block is a single-threaded OpenBLAS call */
  pool_job = *job;
  pool_block = block;
  __atomic_store_n(&pool_done, 0, __ATOMIC_RELAXED);
  pthread_mutex_lock(&pool_mu);
  __atomic_store_n(&pool_claim, ((uint64_t)gen << 32) | ((uint64_t)count << 16), __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool_wake);
  pthread_mutex_unlock(&pool_mu);

  run_blocks(gen);

  long until = now_ns() + SPIN_NS;
  int spins = 0;
  while (__atomic_load_n(&pool_done, __ATOMIC_ACQUIRE) != count) {
    cpu_relax();
    if (++spins % 256 == 0 && now_ns() > until) {
      pthread_mutex_lock(&pool_mu);
      while (__atomic_load_n(&pool_done, __ATOMIC_ACQUIRE) != count) pthread_cond_wait(&pool_finished, &pool_mu);
      pthread_mutex_unlock(&pool_mu);
      break;
    }
  }
  pthread_mutex_unlock(&pool_owner);
  return true;
}


void glorot_gemm(const gemm_job *job, int threads) {
  int m = job->m, n = job->n, k = job->k;
  /* a minibatch's rows (forward, backward) or its inner dimension (the fused update) */
  if (threads > 1 && (m <= SPLIT_MAX_ROWS || k <= SPLIT_MAX_ROWS) && n >= 2 * SPLIT_MIN_COLS &&
      (double)m * (double)n * (double)k >= SPLIT_MIN_MNK && split_gemm(job, threads)) {
    return;
  }
  glorot_ensure_threads(threads);
  run_gemm(job);
}
