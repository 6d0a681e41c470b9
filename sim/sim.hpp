// The primitives code under test uses: each is the std one outside a simulation.
#pragma once

#include "sim/sync/atomic.hpp"
#include "sim/core/check.hpp"
#include "sim/sync/condvar.hpp"
#include "sim/sync/mutex.hpp"
#include "sim/sync/shared.hpp"
#include "sim/sync/thread.hpp"
#include "sim/time/time.hpp"
// The rest of the toolbox.
#include "sim/sync/as_completed.hpp"
#include "sim/sync/async.hpp"
#include "sim/sync/barrier.hpp"
#include "sim/sync/channel.hpp"
#include "sim/sync/future.hpp"
#include "sim/sync/latch.hpp"
#include "sim/sync/mutex_variants.hpp"
#include "sim/sync/rwlock.hpp"
#include "sim/sync/select.hpp"
#include "sim/sync/semaphore.hpp"
#include "sim/sync/task_local.hpp"
#include "sim/sync/thread_pool.hpp"
