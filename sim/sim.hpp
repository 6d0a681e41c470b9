// The primitives code under test uses: each is the std one outside a simulation.
#pragma once

#include "sim/atomic.hpp"
#include "sim/check.hpp"
#include "sim/condvar.hpp"
#include "sim/mutex.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"
#include "sim/time.hpp"
// The rest of the toolbox.
#include "sim/as_completed.hpp"
#include "sim/async.hpp"
#include "sim/barrier.hpp"
#include "sim/channel.hpp"
#include "sim/future.hpp"
#include "sim/latch.hpp"
#include "sim/mutex_variants.hpp"
#include "sim/rwlock.hpp"
#include "sim/select.hpp"
#include "sim/semaphore.hpp"
#include "sim/task_local.hpp"
#include "sim/thread_pool.hpp"
