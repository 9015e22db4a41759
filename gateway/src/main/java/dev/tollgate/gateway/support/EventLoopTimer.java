package dev.tollgate.gateway.support;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor scheduler that keeps a timer on the event loop that set it: the guards' time limits on calls made while
 * serving a request (a Redis command).
 * <p>
 * Reactor's default timer is its parallel scheduler, a {@code ScheduledThreadPoolExecutor}: each time limit takes its
 * lock, and wakes its thread whenever the new timer is the earliest, which under load is most calls. On a gateway
 * with one core that thread then takes the core from the event loop. A Netty event loop keeps its own timers in a
 * queue only it touches, and checks it between passes: no lock shared with another thread, nothing woken, and a
 * limit that trips is reported on the thread serving the request. A timer cancelled from another loop (a Redis reply
 * read on the connection's loop) is removed by a task queued to its own loop, without waking it. Off the loops
 * (start-up, background refreshes) timers go to {@code elsewhere}, looked up at each call as Reactor's default is.
 * <p>
 * Disposing this scheduler disposes nothing: the loops belong to the application's {@code LoopResources}. A loop
 * that is shutting down drops its pending timers; the connections that could leave a call waiting (Redis) close
 * before the loops do.
 */
public final class EventLoopTimer implements Scheduler {

    private final EventExecutor[] loops;
    private final Scheduler[] onLoop;
    private final Supplier<Scheduler> elsewhere;

    public EventLoopTimer(EventLoopGroup group, Supplier<Scheduler> elsewhere) {
        List<EventExecutor> found = new ArrayList<>();
        group.forEach(found::add);
        this.loops = found.toArray(EventExecutor[]::new);
        this.onLoop = new Scheduler[loops.length];
        for (int i = 0; i < loops.length; i++) {
            // Reactor's adapter over the loop's own timer queue; never disposed (it would shut the loop down).
            onLoop[i] = Schedulers.fromExecutorService(loops[i], "tollgate-io-timer-" + i);
        }
        this.elsewhere = elsewhere;
    }

    /** The scheduler of the calling thread's event loop, or {@code elsewhere} off the loops. */
    private Scheduler here() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return onLoop[i];
            }
        }
        return elsewhere.get();
    }

    @Override
    public Disposable schedule(Runnable task) {
        return here().schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return here().schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return here().schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public Worker createWorker() {
        return here().createWorker();
    }

    @Override
    public void dispose() {
        // Nothing owned: see the class comment.
    }
}
