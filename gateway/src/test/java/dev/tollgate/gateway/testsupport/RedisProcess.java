package dev.tollgate.gateway.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A throwaway {@code redis-server} on a free loopback port, for tests that kill Redis mid-traffic. The real process,
 * not a mock: stopping it is what an outage looks like to Lettuce.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final java.util.List<String> extraArgs;
    /** A Sentinel's configuration file (Sentinel rewrites it), or {@code null} for a server. */
    private java.nio.file.Path sentinelConfig;
    private Process process;

    /** A Sentinel on a free port watching {@code master} as {@code name}; quorum 2, down after 1 s. */
    public static RedisProcess sentinel(RedisProcess master, String name, java.nio.file.Path dir) {
        RedisProcess sentinel = new RedisProcess();
        try {
            java.nio.file.Files.createDirectories(dir);
            sentinel.sentinelConfig = dir.resolve("sentinel-" + sentinel.port + ".conf");
            java.nio.file.Files.writeString(sentinel.sentinelConfig, String.join("\n",
                    "bind 127.0.0.1", "port " + sentinel.port, "dir " + dir,
                    "sentinel monitor " + name + " 127.0.0.1 " + master.port + " 2",
                    "sentinel down-after-milliseconds " + name + " 1000",
                    "sentinel failover-timeout " + name + " 5000",
                    "sentinel parallel-syncs " + name + " 1", ""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sentinel;
    }

    public RedisProcess() {
        this(new String[0]);
    }

    /** A server with more arguments, e.g. ACL users ({@code --user name on >password ~* &* +@all}). */
    public RedisProcess(String... extraArgs) {
        this(port -> extraArgs);
    }

    /** A server whose arguments depend on its port (a TLS-only server: {@code --port 0 --tls-port <port>}). */
    public RedisProcess(java.util.function.IntFunction<String[]> extraArgs) {
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.extraArgs = java.util.List.of(extraArgs.apply(port));
    }

    public RedisProcess start() {
        try {
            java.util.List<String> command = sentinelConfig != null
                    ? new java.util.ArrayList<>(java.util.List.of("redis-server", sentinelConfig.toString(),
                            "--sentinel"))
                    : new java.util.ArrayList<>(java.util.List.of("redis-server", "--bind", "127.0.0.1", "--port",
                            Integer.toString(port), "--save", "", "--appendonly", "no", "--enable-debug-command",
                            "local"));
            command.addAll(extraArgs);
            // Its own working folder: a replica's full resync writes dump.rdb where no --dir says otherwise (it once
            // landed in the module's folder, and in git).
            process = new ProcessBuilder(command).directory(java.nio.file.Files.createTempDirectory("redis-" + port)
                            .toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is needed for this test (apt-get install redis-server)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return this;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    /** Kills the process (SIGKILL): no goodbye to its clients. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        kill();
    }
}
