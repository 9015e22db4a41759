package dev.tollgate.gateway.config;

import dev.tollgate.gateway.support.PassFlushes;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * One set of event loops for the request path — the HTTPS listener, the client to upstreams and the Redis
 * connections — owned by this application context; the upstream and Redis connections send what a pass wrote to
 * them at the end of the pass ({@link PassFlushes}). A request's Redis command and its upstream call then run on the
 * request's own thread (the client loops are colocated with the server's), with no hand-off between thread pools.
 * Owning them, rather than borrowing Reactor Netty's global loops, ties their life to the context: Redis connects on
 * them before the server starts, and two gateways in one JVM (tests) do not dispose each other's loops.
 */
@Configuration(proxyBeanMethods = false)
public class EventLoopsConfiguration {

    @Bean(destroyMethod = "dispose")
    LoopResources tollgateEventLoops() {
        return LoopResources.create("tollgate-io", LoopResources.DEFAULT_IO_WORKER_COUNT, true);
    }

    /** Spring Boot's Netty server runs on the resource factory's loops; this one lends ours and does not own them. */
    @Bean
    ReactorResourceFactory reactorResourceFactory(LoopResources tollgateEventLoops) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResources(tollgateEventLoops);
        return factory;
    }

    /**
     * Spring Cloud Gateway's client to upstreams, on the same loops, sending at the end of a pass. Not the listener:
     * there a refusal answered inside the read would be sent after the read, and Reactor Netty 1.3 then closes the
     * connection under a pipelined request that asked for {@code Connection: close} before answering it.
     */
    @Bean
    HttpClientCustomizer upstreamClientOnTollgateLoops(LoopResources tollgateEventLoops) {
        return client -> upstreamPassFlushes(client.runOn(tollgateEventLoops));
    }

    static HttpClient upstreamPassFlushes(HttpClient client) {
        return client.doOnChannelInit((observer, channel, remote) -> PassFlushes.install(channel));
    }
}
