// Two threads pinned to vCPU 0 and 1 bounce a cache line; prints the round-trip time
// (median of 100k bounces) every ~0.1 s with a timestamp.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static _Alignas(64) atomic_long ball;
static atomic_int stop;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static void *other(void *a){pin(1);long v=1;while(!atomic_load(&stop)){while(atomic_load_explicit(&ball,memory_order_acquire)!=v){if(atomic_load(&stop))return 0;}atomic_store_explicit(&ball,v+1,memory_order_release);v+=2;}return 0;}
int main(int argc,char**argv){double secs=argc>1?atof(argv[1]):5;pin(0);pthread_t t;pthread_create(&t,0,other,0);
 double t0=now();long v=0;
 while(now()-t0<secs){double s=now();int n=20000;for(int i=0;i<n;i++){atomic_store_explicit(&ball,v+1,memory_order_release);while(atomic_load_explicit(&ball,memory_order_acquire)!=v+2);v+=2;}
  double e=now();printf("%.3f %.1f\n",e-t0,(e-s)/n*1e9);fflush(stdout);}
 atomic_store(&stop,1);atomic_store(&ball,-5);pthread_join(t,0);return 0;}
