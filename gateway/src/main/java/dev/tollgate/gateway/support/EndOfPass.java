package dev.tollgate.gateway.support;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Work that runs at the end of the calling event loop's pass, together with the same work of the pass's other
 * requests: DPoP proof signatures.
 * <p>
 * A request that verifies a signature in the middle of its handling pays for it twice: once for the signature, and
 * again in the work right after it, which runs slower on a core the signature's code and tables have just had.
 * Profiled on a busy host, the rest of a DPoP request (Netty, Reactor, Spring, the kernel's {@code sendto}) cost
 * 1.4-1.7 times what the same work costs on a bearer request, with the same system calls
 * (perf/results/end-of-pass-2026-12-08.md). Verifying a pass's proofs back to back, after its requests have been read
 * and before any of them continues, pays that once per pass instead of once per request.
 * <p>
 * A task queued from the loop with {@code execute} runs once the loop has handled the pass's I/O, so a request waits
 * for at most the rest of its own pass; its upstream write leaves at the end of the pass anyway ({@link PassFlushes}).
 * The list a pass queues is bounded by what one pass reads. Off the loops (tests, start-up) the work runs at once.
 */
public final class EndOfPass {

    private static final Logger log = LoggerFactory.getLogger(EndOfPass.class);

    private final EventExecutor[] loops;
    private final Pending[] pending;

    public EndOfPass(EventLoopGroup group) {
        List<EventExecutor> found = new ArrayList<>();
        group.forEach(found::add);
        this.loops = found.toArray(EventExecutor[]::new);
        this.pending = new Pending[loops.length];
        for (int i = 0; i < loops.length; i++) {
            pending[i] = new Pending(loops[i]);
        }
    }

    /**
     * {@code work}'s result, computed at the end of the subscriber's event-loop pass; what it throws is the Mono's
     * error.
     */
    public <T> Mono<T> run(Supplier<T> work) {
        return Mono.create(sink -> {
            Job<T> job = new Job<>(work, sink);
            for (int i = 0; i < loops.length; i++) {
                if (loops[i].inEventLoop()) {
                    pending[i].add(job);
                    return;
                }
            }
            job.compute();
            job.deliver();
        });
    }

    private static final class Job<T> {

        private final Supplier<T> work;
        private final MonoSink<T> sink;
        private T result;
        private Throwable failure;

        Job(Supplier<T> work, MonoSink<T> sink) {
            this.work = work;
            this.sink = sink;
        }

        void compute() {
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        void deliver() {
            if (failure != null) {
                sink.error(failure);
            } else {
                sink.success(result);
            }
        }
    }

    /** One loop's jobs for its current pass; touched only by that loop's thread. */
    private static final class Pending implements Runnable {

        private final EventExecutor loop;
        private List<Job<?>> jobs = new ArrayList<>();

        Pending(EventExecutor loop) {
            this.loop = loop;
        }

        void add(Job<?> job) {
            jobs.add(job);
            if (jobs.size() == 1) {
                loop.execute(this);
            }
        }

        @Override
        public void run() {
            // All the work first, then the continuations: they are the requests' other work, which the point is to
            // keep apart from this. A continuation that queues more work finds a fresh list (the next pass's).
            List<Job<?>> now = jobs;
            jobs = new ArrayList<>();
            for (Job<?> job : now) {
                job.compute();
            }
            for (Job<?> job : now) {
                try {
                    job.deliver();
                } catch (RuntimeException e) {
                    // Reactor reports its subscribers' failures itself; this keeps one from stranding the others.
                    log.error("a request's continuation failed after its end-of-pass work", e);
                }
            }
        }
    }
}
