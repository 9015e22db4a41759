package dev.tollgate.gateway.testsupport;

import com.google.protobuf.ByteString;
import dev.tollgate.gateway.demo.Certificates;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.spiffe.workloadapi.grpc.SpiffeWorkloadAPIGrpc;
import io.spiffe.workloadapi.grpc.Workload.X509SVID;
import io.spiffe.workloadapi.grpc.Workload.X509SVIDRequest;
import io.spiffe.workloadapi.grpc.Workload.X509SVIDResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A SPIFFE Workload API server on a Unix domain socket, speaking the real gRPC protocol (the API's own generated
 * service, from java-spiffe), as a SPIRE agent would: it refuses calls without the {@code workload.spiffe.io: true}
 * header, answers {@code FetchX509SVID} with the current SVID and streams each {@link #publish published} one to every
 * open stream.
 */
public final class WorkloadApiAgent implements AutoCloseable {

    private static final Metadata.Key<String> SECURITY_HEADER =
            Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final EpollEventLoopGroup loops = new EpollEventLoopGroup(1);
    private final List<StreamObserver<X509SVIDResponse>> streams = new CopyOnWriteArrayList<>();
    private volatile X509SVIDResponse current;
    private final String spiffeId;
    private final X509Certificate bundle;

    public WorkloadApiAgent(Path socket, String spiffeId, X509Certificate bundle) throws IOException {
        this.spiffeId = spiffeId;
        this.bundle = bundle;
        ServerInterceptor requireHeader = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                               ServerCallHandler<Q, A> next) {
                if (!"true".equals(headers.get(SECURITY_HEADER))) {
                    call.close(Status.INVALID_ARGUMENT.withDescription("security header missing"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loops).workerEventLoopGroup(loops)
                .addService(ServerInterceptors.intercept(new SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase() {
                    @Override
                    public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> stream) {
                        streams.add(stream);
                        X509SVIDResponse now = current;
                        if (now != null) {
                            stream.onNext(now);
                        }
                    }
                }, requireHeader))
                .build().start();
    }

    /** A new SVID for {@code spiffeId} signed by {@code ca}, sent to every open stream; returns it. */
    public Certificates.Issued publish(Certificates.Issued ca) {
        Certificates.Issued svid = Certificates.issue(ca, Certificates.svid(spiffeId));
        try {
            current = X509SVIDResponse.newBuilder().addSvids(X509SVID.newBuilder()
                    .setSpiffeId(spiffeId)
                    .setX509Svid(ByteString.copyFrom(svid.certificate().getEncoded()))
                    .setX509SvidKey(ByteString.copyFrom(svid.key().getEncoded()))
                    .setBundle(ByteString.copyFrom(bundle.getEncoded())))
                    .build();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        streams.forEach(s -> s.onNext(current));
        return svid;
    }

    /** How many FetchX509SVID streams are open (the gateway holds one). */
    public int streams() {
        return streams.size();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
