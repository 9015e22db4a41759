package dev.tollgate.gateway.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster on loopback: three masters and three replicas ({@code redis-server --cluster-enabled yes},
 * joined by {@code redis-cli --cluster create}), no persistence, a one-second node timeout so a killed master is
 * replaced quickly. For the failover tests; every node is a {@link RedisProcess}.
 */
public final class RedisCluster implements AutoCloseable {

    private final List<RedisProcess> nodes = new ArrayList<>();

    public RedisCluster start() {
        try {
            Path dir = Files.createTempDirectory("tollgate-redis-cluster");
            for (int i = 0; i < 6; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
                nodes.add(new RedisProcess("--cluster-enabled", "yes", "--cluster-config-file",
                        nodeDir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "1000", "--dir",
                        nodeDir.toString()).start());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            run(create);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                // Ready when the cluster is ok and every master's replica has finished its first sync (a WAIT before
                // that would wait for it).
                if (nodes.stream().allMatch(n -> cli(n, "cluster", "info").contains("cluster_state:ok"))
                        && nodes.stream().filter(n -> cli(n, "role").startsWith("master")).allMatch(n -> {
                            String info = cli(n, "info", "replication");
                            return info.contains("connected_slaves:1") && info.contains("state=online");
                        })) {
                    return this;
                }
                Thread.onSpinWait();
            }
            throw new IllegalStateException("the cluster did not become ok: " + cli(nodes.get(0), "cluster", "info"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code redis-cluster://127.0.0.1:p1,...} over every node. */
    public String uri() {
        return "redis-cluster://" + String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
    }

    public List<RedisProcess> nodes() {
        return nodes;
    }

    /** The node that is master for {@code key}'s slot now. */
    public RedisProcess masterOf(String key) {
        String slot = cli(nodes.get(0), "cluster", "keyslot", key).trim();
        for (RedisProcess n : nodes) {
            if (isAlive(n) && cli(n, "role").startsWith("master") && ownsSlot(n, Integer.parseInt(slot))) {
                return n;
            }
        }
        throw new IllegalStateException("no master for slot " + slot);
    }

    private boolean ownsSlot(RedisProcess n, int slot) {
        String myself = cli(n, "cluster", "myid").trim();
        for (String line : cli(n, "cluster", "nodes").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[0].equals(myself)) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                if (range[0].startsWith("[")) {
                    continue;
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean isAlive(RedisProcess n) {
        return cli(n, "ping").trim().equals("PONG");
    }

    /** Waits (bounded) until every live node reports the cluster ok again. */
    public void awaitOk(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (nodes.stream().filter(this::isAlive).allMatch(n -> cli(n, "cluster", "info")
                    .contains("cluster_state:ok"))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the cluster did not recover");
    }

    public static String cli(RedisProcess node, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(node.port())));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli is needed for this test", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
    }
}
