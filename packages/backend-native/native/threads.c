// A small pool of worker threads for the addon's own loops and split BLAS products.
//
// A job is cut into a few more chunks than there are threads; the caller and the workers claim
// chunks from a shared counter, so a worker that is late (asleep, or its core taken by V8's
// compiler or the host) costs nothing: the caller takes the chunks it has not claimed. Chunk
// boundaries depend only on the job and the thread count, never on who runs a chunk.
//
// After a job a worker keeps polling for the next one for a short while (KEEL_SPIN_NS): a training
// step issues its products a few hundred µs apart, and waking a sleeping thread took ~60 µs.
// Past that window it sleeps on a condition variable, so an idle pool costs nothing.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "keel.h"

#define KEEL_MAX_THREADS 64
/** Chunks per thread: enough that a late worker leaves little for the caller to wait on. */
#define KEEL_CHUNKS_PER_THREAD 4
/** How long a worker polls for the next job before sleeping. */
#define KEEL_SPIN_NS 500000L

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
/** Held while a job runs: Node worker threads share this pool, and take turns (or run serially). */
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_t workers[KEEL_MAX_THREADS];
static int worker_count = 0; // threads besides the caller
static int threads = 1;
static atomic_int stopping = 0;
/** Workers inside (or about to enter) pthread_cond_wait: the caller wakes them only then. */
static atomic_int sleepers = 0;

// The job: `state` holds its generation (high bits) and the next unclaimed chunk (low 16 bits),
// or CLOSED once every chunk is done, while the caller rewrites the fields for the next job. A
// worker reads the fields, then claims a chunk with a compare-and-swap on the generation it read
// them under, so fields from another job are never used.
#define CHUNK_BITS 16
#define CHUNK_MASK ((1ULL << CHUNK_BITS) - 1)
#define CLOSED CHUNK_MASK
static atomic_ullong state = 0 | CLOSED;
static _Atomic(keel_range_fn) job_fn;
static _Atomic(void *) job_context;
static atomic_size_t job_total, job_chunks;
static atomic_size_t chunks_done;

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static unsigned long long generation_of(unsigned long long s) {
  return s >> CHUNK_BITS;
}

/** Runs chunks of the job of generation `generation` until none is left to claim. */
static void claim_chunks(unsigned long long generation) {
  // acquire: the state load below must not be answered before these
  keel_range_fn fn = atomic_load_explicit(&job_fn, memory_order_acquire);
  void *context = atomic_load_explicit(&job_context, memory_order_acquire);
  size_t total = atomic_load_explicit(&job_total, memory_order_acquire);
  size_t chunks = atomic_load_explicit(&job_chunks, memory_order_acquire);
  unsigned long long s = atomic_load(&state);
  for (;;) {
    if (generation_of(s) != generation) return; // a later job: the fields read may be its
    unsigned long long next = s & CHUNK_MASK;
    if (next == CLOSED || next >= chunks) return;
    if (!atomic_compare_exchange_weak(&state, &s, s + 1)) continue; // s is reloaded
    fn(context, total * next / chunks, total * (next + 1) / chunks);
    atomic_fetch_add_explicit(&chunks_done, 1, memory_order_release);
    s = atomic_load(&state);
  }
}

/** A generation after `seen` with chunks to claim, polling for a while and then sleeping. */
static unsigned long long next_job(unsigned long long seen) {
  long deadline = now_ns() + KEEL_SPIN_NS;
  for (int polls = 0;; polls++) {
    unsigned long long s = atomic_load_explicit(&state, memory_order_acquire);
    if (generation_of(s) != seen || atomic_load(&stopping)) return generation_of(s);
    if ((polls & 63) == 63) {
      if (now_ns() > deadline) break;
      sched_yield(); // let a runnable thread (V8's compiler, the GC) have this core meanwhile
    }
    relax();
  }
  pthread_mutex_lock(&lock);
  atomic_fetch_add(&sleepers, 1); // seq_cst: pairs with the caller's state store then sleepers load
  unsigned long long current;
  while ((current = generation_of(atomic_load(&state))) == seen && !atomic_load(&stopping)) pthread_cond_wait(&work_ready, &lock);
  atomic_fetch_sub(&sleepers, 1);
  pthread_mutex_unlock(&lock);
  return current;
}

static void *worker_main(void *argument) {
  unsigned long long seen = (unsigned long long)(uintptr_t)argument; // the generation at creation
  for (;;) {
    seen = next_job(seen);
    if (atomic_load(&stopping)) break;
    claim_chunks(seen);
  }
  return NULL;
}

void keel_parallel_for(size_t total, size_t grain, keel_range_fn fn, void *context) {
  size_t chunks = grain == 0 ? total : total / grain;
  size_t most = (size_t)threads * KEEL_CHUNKS_PER_THREAD;
  if (chunks > most) chunks = most;
  if (chunks <= 1 || worker_count == 0 || pthread_mutex_trylock(&job_lock) != 0) {
    if (total > 0) fn(context, 0, total);
    return;
  }
  // state is CLOSED here: no worker can claim while the fields change.
  atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
  atomic_store_explicit(&job_context, context, memory_order_relaxed);
  atomic_store_explicit(&job_total, total, memory_order_relaxed);
  atomic_store_explicit(&job_chunks, chunks, memory_order_relaxed);
  atomic_store_explicit(&chunks_done, 0, memory_order_relaxed);
  unsigned long long generation = generation_of(atomic_load(&state)) + 1;
  atomic_store(&state, generation << CHUNK_BITS); // seq_cst: publishes the fields, pairs with sleepers
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);
  }
  claim_chunks(generation);
  // Every chunk is claimed; wait for the ones a worker is still running.
  for (int polls = 0; atomic_load_explicit(&chunks_done, memory_order_acquire) < chunks; polls++) {
    if (polls < 4096) relax();
    else sched_yield();
  }
  atomic_store(&state, (generation << CHUNK_BITS) | CLOSED);
  pthread_mutex_unlock(&job_lock);
}

static void stop_workers(void) {
  pthread_mutex_lock(&lock);
  atomic_store(&stopping, 1);
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < worker_count; i++) pthread_join(workers[i], NULL);
  worker_count = 0;
  atomic_store(&stopping, 0);
}

void keel_set_threads(int wanted) {
  if (wanted < 1) wanted = 1;
  if (wanted > KEEL_MAX_THREADS) wanted = KEEL_MAX_THREADS;
  pthread_mutex_lock(&job_lock); // never resize under a running job
  stop_workers();
  uintptr_t generation = (uintptr_t)generation_of(atomic_load(&state));
  for (int i = 1; i < wanted; i++) {
    if (pthread_create(&workers[worker_count], NULL, worker_main, (void *)generation) != 0) break;
    worker_count++;
  }
  threads = worker_count + 1;
  pthread_mutex_unlock(&job_lock);
  keel_blas_set_threads(1); // products are split over these threads instead (gemm.c)
}

int keel_get_threads(void) {
  return threads;
}
