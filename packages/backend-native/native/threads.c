// A small pool of worker threads for the addon's own loops. Workers sleep on a condition variable
// between jobs (no spinning, so they never compete with the BLAS threads or Node for the cores).
#include <pthread.h>

#include "keel.h"

#define KEEL_MAX_THREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
/** Held while a job runs: Node worker threads share this pool, and take turns (or run serially). */
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_t workers[KEEL_MAX_THREADS];
/** The job generation when each worker started: jobs before it are not its business. */
static unsigned long started_at[KEEL_MAX_THREADS];
static int worker_count = 0; // threads besides the caller
static int threads = 1;
static int stopping = 0;

// the current job
static unsigned long generation = 0;
static keel_range_fn job_fn;
static void *job_context;
static size_t job_total;
static size_t job_chunks;
static size_t pending;

static void chunk(size_t index, size_t *begin, size_t *end) {
  *begin = job_total * index / job_chunks;
  *end = job_total * (index + 1) / job_chunks;
}

static void *worker_main(void *argument) {
  size_t index = (size_t)argument; // this worker runs chunk index (chunk 0 is the caller's)
  pthread_mutex_lock(&lock);
  unsigned long seen = started_at[index];
  for (;;) {
    while (generation == seen && !stopping) pthread_cond_wait(&work_ready, &lock);
    if (stopping) break;
    seen = generation;
    if (index >= job_chunks) continue;
    size_t begin, end;
    chunk(index, &begin, &end);
    keel_range_fn fn = job_fn;
    void *context = job_context;
    pthread_mutex_unlock(&lock);
    fn(context, begin, end);
    pthread_mutex_lock(&lock);
    if (--pending == 0) pthread_cond_signal(&work_done);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

void keel_parallel_for(size_t total, size_t grain, keel_range_fn fn, void *context) {
  size_t chunks = grain == 0 ? total : total / grain;
  if (chunks > (size_t)threads) chunks = (size_t)threads;
  if (chunks <= 1 || worker_count == 0 || pthread_mutex_trylock(&job_lock) != 0) {
    if (total > 0) fn(context, 0, total);
    return;
  }
  pthread_mutex_lock(&lock);
  job_fn = fn;
  job_context = context;
  job_total = total;
  job_chunks = chunks;
  pending = chunks - 1;
  generation++;
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&lock);

  size_t begin, end;
  chunk(0, &begin, &end);
  fn(context, begin, end);

  pthread_mutex_lock(&lock);
  while (pending > 0) pthread_cond_wait(&work_done, &lock);
  pthread_mutex_unlock(&lock);
  pthread_mutex_unlock(&job_lock);
}

static void stop_workers(void) {
  pthread_mutex_lock(&lock);
  stopping = 1;
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < worker_count; i++) pthread_join(workers[i], NULL);
  worker_count = 0;
  stopping = 0;
}

void keel_set_threads(int wanted) {
  if (wanted < 1) wanted = 1;
  if (wanted > KEEL_MAX_THREADS) wanted = KEEL_MAX_THREADS;
  pthread_mutex_lock(&job_lock); // never resize under a running job
  stop_workers();
  threads = wanted;
  for (int i = 1; i < wanted; i++) {
    started_at[i] = generation; // no job runs while job_lock is held
    if (pthread_create(&workers[worker_count], NULL, worker_main, (void *)(size_t)i) != 0) break;
    worker_count++;
  }
  threads = worker_count + 1;
  pthread_mutex_unlock(&job_lock);
  keel_blas_set_threads(1); // products are split over these threads instead (gemm.c)
}

int keel_get_threads(void) {
  return threads;
}
