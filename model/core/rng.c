/* rng.c — one independent random stream per (seed, scenario, replicate).
 *
 * The three numbers are hashed with splitmix64 (Steele, Lea & Flood 2014),
 * h = sm(sm(sm(seed) ^ scenario) ^ replicate), and h seeds a splitmix64
 * sequence that fills the whole 624-word state of GSL's mt19937 (as
 * Matsumoto's init_by_array does, with the top bit of word 0 set so the state
 * is never zero). Filling the full state gives 2^64 distinct streams instead of
 * the 2^32 that gsl_rng_set(mt19937, seed) allows. The stream therefore depends
 * on (seed, scenario, replicate) only, never on the thread or process that runs
 * it. If the GSL state layout were ever different the generator falls back to
 * gsl_rng_set with the low 32 bits of h. */
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "eldercap/ec_population.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t mix(uint64_t v) { return splitmix64(&v); }

/* GSL's mt19937 state (gsl/rng/mt.c). */
typedef struct {
  unsigned long mt[624];
  int mti;
} ec_mt_state;

gsl_rng *ec_rng_stream(unsigned long seed, long scenario, long replicate) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return NULL;
  uint64_t h = mix((uint64_t)seed);
  h = mix(h ^ (uint64_t)scenario);
  h = mix(h ^ (uint64_t)replicate);
  if (gsl_rng_size(rng) == sizeof(ec_mt_state)) {
    ec_mt_state *st = gsl_rng_state(rng);
    uint64_t x = h;
    for (int i = 0; i < 624; i++)
      st->mt[i] = (unsigned long)(splitmix64(&x) & 0xffffffffULL);
    st->mt[0] |= 0x80000000UL;
    st->mti = 624;
  } else {
    gsl_rng_set(rng, (unsigned long)(h & 0xffffffffULL));
  }
  return rng;
}
